import { black76Price } from './black76Price.js'
import { ImpliedVolError } from './ImpliedVolError.js'
import { normalPdf } from './normalPdf.js'

export type ImpliedVolBlack76Parameters = {
  /** The option's price (discounted, same units as the forward). */
  price: number
  forward: number
  strike: number
  timeYears: number
  discount: number
  isCall: boolean
  /** Stop when |model − price| ≤ tolerance·max(price, D·K·1e-300). Default 1e-12 (relative). */
  tolerance?: number
  /** Default 100. */
  maxIterations?: number
}

export type ImpliedVolResult = {
  vol: number
  iterations: number
}

/** Vol at which the search for an upper bracket gives up (100 000 %). */
const MAX_VOL = 1000

/**
 * The Black-76 implied volatility: the σ at which black76Price(F, K, T, σ, D) equals `price`.
 *
 * Method: the price is first mapped to the out-of-the-money option with the same strike by
 * put-call parity (c − p = D·(F − K)), whose price o(σ) rises from 0 to D·min(F, K), so that no
 * precision is lost to the intrinsic value. Then Newton's method on o(σ) − target, safeguarded by a
 * bracket [lo, hi] with o(lo) < target < o(hi): a Newton step that leaves the bracket, or a zero
 * vega, is replaced by bisection.
 *
 *   no-arbitrage interval: D·max(±(F − K), 0) < price < D·F (call) or D·K (put)
 *   start: σ0 = √(2·|ln(F/K)|/T), or for F ≈ K the Brenner–Subrahmanyam σ0 = o·√(2π/T)/(D·F)
 *   Newton: σ ← σ − (o(σ) − target)/vega(σ), vega = D·F·n(d1)·√T
 *
 * @throws ImpliedVolError with reason `noArbitrageBound`, `zeroVega` or `noConvergence`.
 * @example impliedVolBlack76({ price: 82.80508066863456, forward: 1500, strike: 1500, timeYears: 604800 / 31536000, discount: 1, isCall: true }).vol // 1
 */
export function impliedVolBlack76(parameters: ImpliedVolBlack76Parameters): ImpliedVolResult {
  const { price, forward, strike, timeYears, discount, isCall } = parameters
  const tolerance = parameters.tolerance ?? 1e-12
  const maxIterations = parameters.maxIterations ?? 100
  const intrinsic = discount * Math.max(isCall ? forward - strike : strike - forward, 0)
  const upper = discount * (isCall ? forward : strike)
  if (!(price > intrinsic && price < upper)) {
    throw new ImpliedVolError(
      'noArbitrageBound',
      `No implied vol: price ${price} is outside the no-arbitrage interval (${intrinsic}, ${upper})`,
    )
  }
  if (!(timeYears > 0)) {
    throw new ImpliedVolError('zeroVega', 'No implied vol: the option has no time value left (T = 0)')
  }
  // The out-of-the-money side: a call when F ≤ K, a put when F > K.
  const otmIsCall = forward <= strike
  const target = otmIsCall === isCall ? price : price - intrinsic
  const sqrtT = Math.sqrt(timeYears)
  const logMoneyness = Math.log(forward / strike)
  const absTolerance = tolerance * target
  const otm = (vol: number) => black76Price(forward, strike, timeYears, vol, discount, otmIsCall)
  const vega = (vol: number) => {
    const sd = vol * sqrtT
    return discount * forward * normalPdf(logMoneyness / sd + 0.5 * sd) * sqrtT
  }

  let vol = Math.max(
    Math.sqrt((2 * Math.abs(logMoneyness)) / timeYears),
    (target / (discount * forward)) * Math.sqrt((2 * Math.PI) / timeYears),
  )
  if (!(vol > 0 && vol < MAX_VOL)) vol = 1
  let lo = 0
  let hi = Number.POSITIVE_INFINITY
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const difference = otm(vol) - target
    if (Math.abs(difference) <= absTolerance) {
      if (!(vega(vol) > 0)) {
        throw new ImpliedVolError(
          'zeroVega',
          `No implied vol: vega is 0 at σ = ${vol}, so vol is not identifiable`,
        )
      }
      return { vol, iterations: iteration }
    }
    if (difference < 0) lo = vol
    else hi = vol
    if (hi - lo <= 4e-16 * hi && hi < Number.POSITIVE_INFINITY) {
      // The bracket is one ulp wide: this is the root to double precision, unless the price did not
      // move with vol at all.
      if (!(vega(vol) > 0)) {
        throw new ImpliedVolError(
          'zeroVega',
          `No implied vol: vega is 0 near σ = ${vol}, so vol is not identifiable`,
        )
      }
      return { vol, iterations: iteration }
    }
    const slope = vega(vol)
    let next = slope > 0 ? vol - difference / slope : Number.NaN
    if (!(next > lo && next < hi)) {
      next = hi === Number.POSITIVE_INFINITY ? Math.min(2 * vol, MAX_VOL) : 0.5 * (lo + hi)
      if (next === vol) {
        if (!(slope > 0)) {
          throw new ImpliedVolError(
            'zeroVega',
            `No implied vol: the price does not move with vol (vega is 0 up to σ = ${MAX_VOL})`,
          )
        }
        throw new ImpliedVolError('noConvergence', `No implied vol: needs σ above ${MAX_VOL}`)
      }
    }
    vol = next
  }
  throw new ImpliedVolError(
    'noConvergence',
    `No implied vol after ${maxIterations} iterations (last σ = ${vol})`,
  )
}
