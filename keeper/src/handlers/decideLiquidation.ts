/** The attestation fields a decision needs (wad USD, seconds, block numbers). */
export type AttestationView = {
  sequence: bigint
  equity: bigint
  maintenanceMargin: bigint
  asOf: bigint
  expiry: bigint
  anchorBlock: bigint
}

/** What the chain says now, read at `blockNumber` (the transaction lands in a later block). */
export type LiquidationChainView = {
  blockNumber: bigint
  /** Timestamp of `blockNumber`; the transaction's block is at least one second later. */
  timestamp: bigint
  /** RiskGuard `lastSequence(account)`. */
  lastSequence: bigint
  /** Liquidator `lastLiquidationSequence(account)`. */
  lastLiquidationSequence: bigint
  /** Liquidator `lastChangeBlock(account)`. */
  lastChangeBlock: bigint
  /** RiskGuard `maxAttestationAge()` (seconds). */
  maxAttestationAge: bigint
  /** Vault `cashOf(account)` (settlement units, may be negative). */
  cash: bigint
  /** Closes the order would carry (after clamping to positions and the plan). */
  closeCount: number
}

/** Largest `asOf` lead over the chain clock RiskGuard accepts (seconds). */
export const MAX_FUTURE_SKEW_S = 60n

/** Before simulating: go on, wait, or stop because the job is over. */
export type Assessment =
  | { action: 'continue' }
  /** Passes by itself within blocks: retry. */
  | { action: 'wait'; reason: 'anchorNotFinal' | 'attestationFromFuture' }
  /** Already done, or no longer possible with this attestation (a fresher job will come). */
  | {
      action: 'done'
      reason:
        | 'alreadyLiquidated'
        | 'superseded'
        | 'healthy'
        | 'expired'
        | 'staleAnchor'
        | 'nothingToLiquidate'
    }

/**
 * The state table a liquidation job goes through before anything is simulated or sent. Rows are checked
 * in order; the first that matches decides.
 *
 * | condition (attestation a, chain c)                          | outcome                  |
 * |-------------------------------------------------------------|--------------------------|
 * | c.lastLiquidationSequence ≥ a.sequence                      | done alreadyLiquidated   |
 * | c.lastSequence > a.sequence (a newer attestation is posted) | done superseded          |
 * | a.equity ≥ a.maintenanceMargin                              | done healthy             |
 * | a.expiry < next block time, or a.asOf + maxAge < it         | done expired             |
 * | c.lastChangeBlock > a.anchorBlock                           | done staleAnchor         |
 * | a.anchorBlock > c.blockNumber (this node lags the relay)    | wait anchorNotFinal      |
 * | a.asOf > next block time + 60 s                             | wait attestationFromFuture |
 * | no close and cash ≥ 0                                       | done nothingToLiquidate  |
 * | otherwise                                                   | continue                 |
 *
 * @example assessLiquidation(attestation, chain) // { action: 'done', reason: 'alreadyLiquidated' }
 */
export function assessLiquidation(a: AttestationView, c: LiquidationChainView): Assessment {
  const nextTime = c.timestamp + 1n
  if (c.lastLiquidationSequence >= a.sequence) return { action: 'done', reason: 'alreadyLiquidated' }
  if (c.lastSequence > a.sequence) return { action: 'done', reason: 'superseded' }
  if (a.equity >= a.maintenanceMargin) return { action: 'done', reason: 'healthy' }
  if (a.expiry < nextTime || a.asOf + c.maxAttestationAge < nextTime)
    return { action: 'done', reason: 'expired' }
  if (c.lastChangeBlock > a.anchorBlock) return { action: 'done', reason: 'staleAnchor' }
  // The Liquidator needs anchorBlock < block.number, and the transaction lands in a block after the head:
  // an anchor equal to the head is fine (simulation runs at `pending`). Waiting for one more block would
  // cost a whole block time on every liquidation, and on an automine devnet last until unrelated traffic
  // mines one. Only an anchor above the head (this node lags the relay's) waits. The one cost: a bump the
  // engine re-simulates at `latest` while the head is still the anchor looks reverting and is cancelled;
  // the engine bumps only after `bumpAfterMs` (15 s), by which time any live chain has mined past it, and
  // the job then retries with a fresh attestation.
  if (a.anchorBlock > c.blockNumber) return { action: 'wait', reason: 'anchorNotFinal' }
  if (a.asOf > nextTime + MAX_FUTURE_SKEW_S) return { action: 'wait', reason: 'attestationFromFuture' }
  if (c.closeCount === 0 && c.cash >= 0n) return { action: 'done', reason: 'nothingToLiquidate' }
  return { action: 'continue' }
}

export type ProfitInput = {
  /** Keeper reward the simulated liquidation pays (USD). */
  rewardUsd: number
  /** Gas (simulated gas × current gas price) plus LayerZero fees, in USD at the oracle's native price. */
  costUsd: number
  /** The operator's minimum profit (USD). */
  minProfitUsd: number
  /** The attestation says equity < 0: every delay lets bad debt grow, so the keeper runs at a loss. */
  badDebt: boolean
}

export type ProfitDecision =
  | { action: 'run'; reason: 'profitable' | 'badDebt'; profitUsd: number }
  | { action: 'skip'; reason: 'unprofitable'; profitUsd: number }

/**
 * Whether a liquidation is worth sending now.
 *
 * | condition                          | outcome         |
 * |------------------------------------|-----------------|
 * | reward − cost ≥ minProfit          | run profitable  |
 * | attested equity < 0 (bad debt)     | run badDebt     |
 * | otherwise                          | skip unprofitable (look again later: the auction discount grows) |
 *
 * @example decideLiquidation({ rewardUsd: 0.2, costUsd: 1.5, minProfitUsd: 0, badDebt: false }).action // 'skip'
 */
export function decideLiquidation(input: ProfitInput): ProfitDecision {
  const profitUsd = input.rewardUsd - input.costUsd
  if (profitUsd >= input.minProfitUsd) return { action: 'run', reason: 'profitable', profitUsd }
  if (input.badDebt) return { action: 'run', reason: 'badDebt', profitUsd }
  return { action: 'skip', reason: 'unprofitable', profitUsd }
}
