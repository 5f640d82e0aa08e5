import { type AccountHealth, anchorsDigest, type SignerSet, type XmarginDomain } from '@xmargin/attestation'
import { toWadDown, toWadUp } from '@xmargin/margin'
import type { Hex } from 'viem'
import type { ChainAnchor } from '../portfolio/types.js'
import type { AccountRisk, RiskSnapshot } from '../risk/createRiskBook.js'

/** Clock skew accepted between the proposer's `asOf` and this node's clock (RiskGuard allows 60 s ahead). */
export const MAX_CLOCK_SKEW_S = 30

export type HealthCheckContext = {
  domain: XmarginDomain
  message: AccountHealth
  anchors: readonly ChainAnchor[]
  /** The proposal's fencing token and the current lease holder's. */
  proposalFence: bigint
  currentFence: bigint | undefined
  /** This node's current margin of the account (positions on each chain). */
  risk: AccountRisk | undefined
  /**
   * This node's computation of the account at the proposal's anchors: the one with the same anchors, else
   * the newest at or before them on every chain (`pickSnapshot`).
   */
  snapshot: RiskSnapshot | undefined
  domains: ReadonlyMap<number, XmarginDomain>
  signerSet: SignerSet
  paramsHash: Hex
  nowS: number
  lifetimeS: number
  relTolerance: number
  absToleranceUsd: number
}

const WAD = 10n ** 18n

/**
 * Whether this node agrees with a proposed `AccountHealth` enough to sign it; returns the reason to
 * refuse, or undefined. The proposer must hold the current lease (fence), name this chain's RiskGuard,
 * the current epoch and parameter set, commit to the anchors it sends, be fresh; the figures must match
 * this node's own computation within `max(absToleranceUsd, relTolerance·max(|a|, |b|))`; a liquidation
 * attestation (equity < MM or any maxClose > 0) needs this node to see the account at or below
 * maintenance (within tolerance), and each `maxClose` at most the position this node sees.
 *
 * @example const reason = checkHealthProposal(context) // undefined: sign
 */
export function checkHealthProposal(context: HealthCheckContext): string | undefined {
  const { domain, message, risk } = context
  const expected = context.domains.get(domain.chainId)
  if (!expected || expected.verifyingContract.toLowerCase() !== domain.verifyingContract.toLowerCase())
    return 'unknownDomain'
  if (context.currentFence === undefined || context.proposalFence !== context.currentFence)
    return 'staleLeader'
  if (message.epoch !== context.signerSet.epoch) return 'wrongEpoch'
  if (message.paramsHash.toLowerCase() !== context.paramsHash.toLowerCase()) return 'paramsMismatch'
  if (anchorsDigest(context.anchors).toLowerCase() !== message.anchorsDigest.toLowerCase())
    return 'anchorsMismatch'
  const anchor = context.anchors.find((a) => a.chainId === domain.chainId)
  if (!anchor || anchor.blockNumber !== message.anchorBlock) return 'anchorBlockMismatch'
  const asOf = Number(message.asOf)
  if (Math.abs(asOf - context.nowS) > MAX_CLOCK_SKEW_S) return 'clockSkew'
  if (message.expiry <= message.asOf || message.expiry - message.asOf > BigInt(context.lifetimeS))
    return 'badExpiry'
  if (!risk || risk.account.toLowerCase() !== message.account.toLowerCase()) return 'unknownAccount'
  const snapshot = context.snapshot
  if (!snapshot) return 'noStateAtAnchors'

  const tolerance = (a: bigint, b: bigint) => {
    const abs = (x: bigint) => (x < 0n ? -x : x)
    const larger = abs(a) > abs(b) ? abs(a) : abs(b)
    const relative = (larger * BigInt(Math.round(context.relTolerance * 1e6))) / 1_000_000n
    const absolute = toWadUp(context.absToleranceUsd)
    return relative > absolute ? relative : absolute
  }
  const close = (a: bigint, b: bigint) => (a > b ? a - b : b - a) <= tolerance(a, b)
  const mine = {
    equity: toWadDown(snapshot.equity),
    initialMargin: toWadUp(Math.max(0, snapshot.initialMargin)),
    maintenanceMargin: toWadUp(Math.max(0, snapshot.maintenanceMargin)),
  }
  if (!close(message.equity, mine.equity)) return 'equityMismatch'
  if (!close(message.initialMargin, mine.initialMargin)) return 'initialMarginMismatch'
  if (!close(message.maintenanceMargin, mine.maintenanceMargin)) return 'maintenanceMarginMismatch'

  const liquidation = message.equity < message.maintenanceMargin || message.marks.some((m) => m.maxClose > 0n)
  if (liquidation && mine.equity - mine.maintenanceMargin > tolerance(mine.equity, mine.maintenanceMargin))
    return 'notLiquidatable'

  const positions = risk.portfolio.chains.find((chain) => chain.chainId === domain.chainId)?.positions
  for (const mark of message.marks) {
    const size = positions?.get(mark.instrumentId)
    if (size === undefined) return 'unknownInstrument'
    const held = size < 0n ? -size : size
    if (mark.maxClose > held) return 'closeExceedsPosition'
    const myMark = snapshot.marks.get(`${domain.chainId}:${mark.instrumentId}`)
    if (myMark === undefined) return 'unknownInstrument'
    const markTolerance =
      (toWadUp(Math.abs(myMark)) * BigInt(Math.round(context.relTolerance * 1e6))) / 1_000_000n + WAD / 100n
    const mineWad = toWadDown(Math.max(0, myMark))
    if ((mark.mark > mineWad ? mark.mark - mineWad : mineWad - mark.mark) > markTolerance)
      return 'markMismatch'
  }
  return undefined
}

/**
 * This node's computation of an account at a proposal's anchors: the one with exactly those anchors, else
 * the newest whose anchor on every chain is at or before the proposal's (the same block must have the
 * same hash). After the node has processed the proposal's blocks and recomputed the account, that is its
 * state as of those blocks, unless it last recomputed the account already past them on some chain (then
 * the figures differ and the proposal is refused, which is safe).
 */
export function pickSnapshot(
  history: readonly RiskSnapshot[],
  anchors: readonly ChainAnchor[],
  anchorsDigest: Hex,
): RiskSnapshot | undefined {
  const exact = history.find((entry) => entry.anchorsDigest.toLowerCase() === anchorsDigest.toLowerCase())
  if (exact) return exact
  const proposal = new Map(anchors.map((anchor) => [anchor.chainId, anchor]))
  return history.find((entry) =>
    entry.anchors.every((anchor) => {
      const limit = proposal.get(anchor.chainId)
      if (!limit) return false
      return (
        anchor.blockNumber < limit.blockNumber ||
        (anchor.blockNumber === limit.blockNumber && anchor.blockHash === limit.blockHash)
      )
    }),
  )
}
