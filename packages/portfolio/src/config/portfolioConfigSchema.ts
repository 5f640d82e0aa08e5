import { z } from 'zod'

const fraction = z.number().min(0).max(1)

/**
 * How the portfolio values what the chains do not price: haircuts per collateral asset and the chain
 * penalty of collateral away from the home chain (DESIGN §3: a line is worth
 * `amount·price·(1 − haircut)·(1 − chainPenalty)`), and which oracle answer is spot.
 */
export const portfolioConfigSchema = z.strictObject({
  /**
   * The home chain: its collateral carries no chain penalty, and its oracle prices an underlying first.
   * Default: the first chain of the deployment.
   */
  homeChainId: z.number().int().positive().optional(),
  /** Haircut per asset symbol (0..1). Default `{ USDC: 0, WETH: 0.1, WBTC: 0.08 }`. */
  haircuts: z.record(z.string(), fraction).default({ USDC: 0, WETH: 0.1, WBTC: 0.08 }),
  /** Haircut of an asset missing from `haircuts` (0..1). Default 0.25: unknown collateral counts little. */
  defaultHaircut: fraction.default(0.25),
  /** Chain penalty of collateral on any chain but the home chain (0..1). Default 0.02. */
  chainPenalty: fraction.default(0.02),
  /** Chain penalty per chain id, overriding `chainPenalty` (the home chain defaults to 0). Default `{}`. */
  chainPenalties: z.record(z.string().regex(/^\d+$/), fraction).default({}),
  /**
   * Spot source: `aggregator` (default), the feed's latest answer, which follows the market even past the
   * router's deviation band; or `guarded`, the router's banded price (its last accepted reference when the
   * band rejects the answer).
   */
  priceSource: z.enum(['aggregator', 'guarded']).default('aggregator'),
})

export type PortfolioConfig = z.infer<typeof portfolioConfigSchema>
export type PortfolioConfigInput = z.input<typeof portfolioConfigSchema>

/** The chain penalty of collateral held on `chainId`. */
export function chainPenaltyOf(config: PortfolioConfig, chainId: number, homeChainId: number): number {
  const override = config.chainPenalties[String(chainId)]
  if (override !== undefined) return override
  return chainId === homeChainId ? 0 : config.chainPenalty
}

/** The haircut of collateral `symbol`. */
export function haircutOf(config: PortfolioConfig, symbol: string): number {
  return config.haircuts[symbol] ?? config.defaultHaircut
}
