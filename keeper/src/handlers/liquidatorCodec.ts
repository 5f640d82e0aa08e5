import { readInt256, readUint256 } from '@xmargin/chain'
import { liquidatorAbi } from '@xmargin/contracts'
import {
  type AbiFunction,
  type Address,
  encodeAbiParameters,
  type Hex,
  type Log,
  toEventSelector,
  toFunctionSelector,
} from 'viem'
import type { OrderClose } from './buildCloses.js'
import type { SeizeRoute } from './planRoutes.js'

// The hot path of a liquidation (hundreds per second when a crash hits) encodes its call and reads its
// events without viem's per-call ABI lookups and selector hashing: selectors are computed once here.

const liquidateItem = liquidatorAbi.find(
  (item): item is Extract<(typeof liquidatorAbi)[number], { type: 'function'; name: 'liquidate' }> =>
    item.type === 'function' && item.name === 'liquidate',
)!
const LIQUIDATE_SELECTOR = toFunctionSelector(liquidateItem as AbiFunction)
const LIQUIDATED = toEventSelector(
  liquidatorAbi.find((item) => item.type === 'event' && item.name === 'Liquidated')!,
)
const FINALISED = toEventSelector(
  liquidatorAbi.find((item) => item.type === 'event' && item.name === 'LiquidationFinalised')!,
)

/** `Liquidator.liquidate(account, health, signatures, order)` calldata. */
export function encodeLiquidate(
  account: Address,
  health: Parameters<typeof encodeAbiParameters<typeof liquidateItem.inputs>>[1][1],
  signatures: Hex,
  order: { closes: readonly OrderClose[]; routes: readonly SeizeRoute[] },
): Hex {
  const args = encodeAbiParameters(liquidateItem.inputs, [account, health, signatures, order])
  return `${LIQUIDATE_SELECTOR}${args.slice(2)}` as Hex
}

/** What a liquidation's logs say: from `Liquidated` and (without routes) `LiquidationFinalised`. */
export type LiquidationLogs = {
  liquidationId: Hex | undefined
  discount: bigint
  penaltyUsd: bigint
  rewardUsd: bigint
  requestedUsd: bigint
  /** `LiquidationFinalised`: cash after (settlement units) and bad debt written off (units). */
  cashAfter: bigint | undefined
  badDebtUnits: bigint
}

/**
 * Reads the Liquidator's `Liquidated` and `LiquidationFinalised` logs (of `liquidator` only).
 *
 * @example readLiquidationLogs(receipt.logs, liquidator).rewardUsd
 */
export function readLiquidationLogs(logs: readonly Log[], liquidator: Address): LiquidationLogs {
  const out: LiquidationLogs = {
    liquidationId: undefined,
    discount: 0n,
    penaltyUsd: 0n,
    rewardUsd: 0n,
    requestedUsd: 0n,
    cashAfter: undefined,
    badDebtUnits: 0n,
  }
  const address = liquidator.toLowerCase()
  for (const log of logs) {
    if (log.address.toLowerCase() !== address) continue
    const topic = log.topics[0]
    // Liquidated(account, liquidationId, keeper indexed; sequence, discount, closedNotionalUsd, penaltyUsd,
    // rewardUsd, backstopTakeUsd, localSeizedUsd, requestedUsd)
    if (topic === LIQUIDATED) {
      out.liquidationId = log.topics[2]
      out.discount = readUint256(log.data, 1)
      out.penaltyUsd = readUint256(log.data, 3)
      out.rewardUsd = readUint256(log.data, 4)
      out.requestedUsd = readUint256(log.data, 7)
    }
    // LiquidationFinalised(liquidationId, account indexed; cashAfter, badDebtUnits)
    if (topic === FINALISED) {
      out.cashAfter = readInt256(log.data, 0)
      out.badDebtUnits = readUint256(log.data, 1)
    }
  }
  return out
}
