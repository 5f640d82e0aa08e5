import type { AccountHealth } from '@xmargin/attestation'
import { toWadDown, toWadUp } from '@xmargin/margin'
import type { Hex } from 'viem'
import { positionId } from '../portfolio/types.js'
import type { AccountRisk } from '../risk/createRiskBook.js'
import { instrumentMark } from '../risk/instrumentMark.js'

/**
 * The `AccountHealth` of an account for one chain's RiskGuard: unified equity (wad, rounded down), IM and
 * MM (wad, rounded up), the chain's anchor block, the digest of every anchor, the parameter hash, and the
 * marks of the account's instruments on that chain with the liquidation plan's `maxClose` (0 when none).
 *
 * @example const health = buildAccountHealth({ risk, chainId, sequence, epoch, asOf, expiry, paramsHash })
 */
export function buildAccountHealth(parameters: {
  risk: AccountRisk
  chainId: number
  sequence: bigint
  epoch: bigint
  asOf: bigint
  expiry: bigint
  paramsHash: Hex
  maxClose?: ReadonlyMap<number, bigint> | undefined
}): AccountHealth {
  const { risk, chainId } = parameters
  const { result } = risk
  const anchor = risk.portfolio.anchors.find((a) => a.chainId === chainId)
  const positions = risk.portfolio.chains.find((chain) => chain.chainId === chainId)?.positions ?? new Map()
  const marks = [...positions.keys()]
    .sort((a, b) => a - b)
    .map((instrumentId) => {
      const mark = instrumentMark(risk, positionId(chainId, instrumentId)) ?? 0
      return {
        instrumentId,
        mark: toWadDown(Math.max(0, mark)),
        maxClose: parameters.maxClose?.get(instrumentId) ?? 0n,
      }
    })
  return {
    account: risk.account,
    sequence: parameters.sequence,
    epoch: parameters.epoch,
    equity: toWadDown(result.equity),
    initialMargin: toWadUp(Math.max(0, result.initialMargin)),
    maintenanceMargin: toWadUp(Math.max(0, result.maintenanceMargin)),
    asOf: parameters.asOf,
    expiry: parameters.expiry,
    anchorBlock: anchor?.blockNumber ?? 0n,
    anchorsDigest: risk.anchorsDigest,
    paramsHash: parameters.paramsHash,
    marks,
  }
}
