import type { ExpiryInput } from '../input/marginInputSchema.js'
import type { Xpm1Params } from './paramsSchema.js'

/** Seconds in the 365-day year of T. */
export const SECONDS_PER_YEAR = 31_536_000
const SECONDS_PER_DAY = 86_400
const THIRTY_DAYS_S = 30 * SECONDS_PER_DAY

/** What XPM-1 needs of one expiry besides its options: computed once per expiry and market state. */
export type ExpiryConstants = {
  /** T = (expiry − asOf)/31 536 000. */
  timeYears: number
  /** Vol multiplier of vol-up scenarios, 1 + rangeUp·k. */
  volUp: number
  /** Vol multiplier of vol-down scenarios, max(0, 1 − rangeDown·k). */
  volDown: number
  /** Static discount of a shocked expiry value ≥ 0 (`pos`). */
  staticLong: number
  /** Static discount of a shocked expiry value < 0 (`neg`). */
  staticShort: number
  /** addFactor + multFactor·T of the basis contingency. */
  basisFactor: number
}

/**
 * The per-expiry constants of XPM-1 (DESIGN.md §3, steps 2, 3 and 5):
 *
 *   T    = (expiry − asOf)/31 536 000
 *   k    = (30 days / max(T in days, dteFloorDays))^p,  p = shortTermPower if expiry − asOf ≤ 30 days,
 *                                                         longTermPower otherwise
 *   up   = 1 + rangeUp·k,   down = max(0, 1 − rangeDown·k)
 *   pos  = long·e^(−T·(rate·longRateMult + longRateAdd))
 *   neg  = min(1/D, short / e^(−T·(rate·shortRateMult + shortRateAdd)))
 *   basisFactor = addFactor + multFactor·T
 *
 * @example expiryConstants({ expiry: 1767830400, forward: 3502, rate: 0.06, discount: 0.99885 }, 1767225600, DEFAULT_PARAMS)
 */
export function expiryConstants(expiry: ExpiryInput, asOf: number, params: Xpm1Params): ExpiryConstants {
  const { volShock, staticDiscount, basis } = params
  const seconds = expiry.expiry - asOf
  const timeYears = seconds / SECONDS_PER_YEAR
  const days = seconds / SECONDS_PER_DAY
  const power = seconds <= THIRTY_DAYS_S ? volShock.shortTermPower : volShock.longTermPower
  const k = (30 / Math.max(days, volShock.dteFloorDays)) ** power
  return {
    timeYears,
    volUp: 1 + volShock.rangeUp * k,
    volDown: Math.max(0, 1 - volShock.rangeDown * k),
    staticLong:
      staticDiscount.long *
      Math.exp(-timeYears * (expiry.rate * staticDiscount.longRateMult + staticDiscount.longRateAdd)),
    staticShort: Math.min(
      1 / expiry.discount,
      staticDiscount.short /
        Math.exp(-timeYears * (expiry.rate * staticDiscount.shortRateMult + staticDiscount.shortRateAdd)),
    ),
    basisFactor: basis.addFactor + basis.multFactor * timeYears,
  }
}

/**
 * The vol of an option under a scenario's vol state: up = max(minVolUp, σ·up), none = σ, down = σ·down.
 */
export function scenarioVol(
  vol: number,
  state: 'up' | 'none' | 'down',
  constants: ExpiryConstants,
  minVolUp: number,
): number {
  if (state === 'up') return Math.max(minVolUp, vol * constants.volUp)
  if (state === 'down') return vol * constants.volDown
  return vol
}
