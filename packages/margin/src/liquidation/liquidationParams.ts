/**
 * Liquidation parameters. The on-chain Liquidator and the keeper use the same values and formulas.
 */
export type LiquidationParams = {
  /** Target after a partial liquidation: equity ≥ (1 + bufferRatio)·MM. Default 0.1. */
  bufferRatio: number
  /** Auction discount at t = 0 (share of notional). Default 0.01. */
  startDiscount: number
  /** Auction discount from t = auctionDurationS on. Default 0.05. */
  maxDiscount: number
  /** Seconds for the discount to go from start to max. Default 600. */
  auctionDurationS: number
  /** Share of the penalty paid to the keeper before floor and cap. Default 0.5. */
  rewardShare: number
  /** USD added to the keeper's gas cost to form the reward floor. Default 1. */
  minRewardUsd: number
  /** Cap of the keeper reward in USD. Default 2500. */
  maxRewardUsd: number
  /** Gas units of one liquidation used to price the keeper's cost. Default 400 000. */
  gasOverhead: number
}

export const DEFAULT_LIQUIDATION_PARAMS: LiquidationParams = {
  bufferRatio: 0.1,
  startDiscount: 0.01,
  maxDiscount: 0.05,
  auctionDurationS: 600,
  rewardShare: 0.5,
  minRewardUsd: 1,
  maxRewardUsd: 2500,
  gasOverhead: 400_000,
}
