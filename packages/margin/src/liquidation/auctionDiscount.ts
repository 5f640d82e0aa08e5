import { MarginInputError } from '../input/MarginInputError.js'
import { DEFAULT_LIQUIDATION_PARAMS, type LiquidationParams } from './liquidationParams.js'

/**
 * The Dutch-auction discount t seconds after the account was flagged (the Liquidator uses the same):
 *
 *   d(t) = t ≥ auctionDurationS ? maxDiscount
 *                               : startDiscount + (maxDiscount − startDiscount)·t/auctionDurationS
 *
 * @throws MarginInputError when t is negative or not a number (a clock error, never clamp it silently).
 * @example auctionDiscount(300) // 0.03
 */
export function auctionDiscount(
  secondsSinceFlagged: number,
  params: Partial<Pick<LiquidationParams, 'startDiscount' | 'maxDiscount' | 'auctionDurationS'>> = {},
): number {
  const { startDiscount, maxDiscount, auctionDurationS } = { ...DEFAULT_LIQUIDATION_PARAMS, ...params }
  if (!(secondsSinceFlagged >= 0)) {
    throw new MarginInputError(
      `auctionDiscount: seconds since flagged must be ≥ 0, got ${secondsSinceFlagged}`,
    )
  }
  if (secondsSinceFlagged >= auctionDurationS) return maxDiscount
  return startDiscount + ((maxDiscount - startDiscount) * secondsSinceFlagged) / auctionDurationS
}
