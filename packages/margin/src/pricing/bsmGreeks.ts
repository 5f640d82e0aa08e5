import { normalCdf } from './normalCdf.js'
import { normalPdf } from './normalPdf.js'

export type BsmParameters = {
  /** S, the spot price (> 0). */
  spot: number
  /** K (> 0). */
  strike: number
  /** T in years (≥ 0). */
  timeYears: number
  /** r, the continuously compounded risk-free rate. */
  rate: number
  /**
   * b, the cost of carry: r − q for a stock paying a continuous yield q (b = r: no dividends;
   * b = r − r_f: a currency; b = 0: Black-76 on a future).
   */
  costOfCarry: number
  /** σ, annualised (≥ 0). */
  vol: number
  isCall: boolean
}

export type BsmGreeks = {
  price: number
  /** ∂V/∂S. */
  delta: number
  /** ∂²V/∂S². */
  gamma: number
  /** ∂V/∂σ per 1.00 of vol. */
  vega: number
  /** −∂V/∂T per year (time decay as the calendar moves), r and b held. */
  theta: number
  /** ∂V/∂r per 1.00 of rate with the yield r − b held (b moves with r). */
  rho: number
  d1: number
  d2: number
}

/**
 * Generalised Black-Scholes-Merton (cost of carry b) price and Greeks, after Haug.
 *
 *   d1 = (ln(S/K) + (b + σ²/2)T)/(σ√T),  d2 = d1 − σ√T,  c = e^((b−r)T),  n = normal density
 *   call  = S·c·N(d1) − K·e^(−rT)·N(d2)
 *   put   = K·e^(−rT)·N(−d2) − S·c·N(−d1)
 *   delta = c·N(d1) (call), c·(N(d1) − 1) (put)
 *   gamma = c·n(d1)/(S·σ√T)
 *   vega  = S·c·n(d1)·√T
 *   theta = −S·c·n(d1)·σ/(2√T) − (b − r)·S·c·N(d1) − r·K·e^(−rT)·N(d2)      (call)
 *           −S·c·n(d1)·σ/(2√T) + (b − r)·S·c·N(−d1) + r·K·e^(−rT)·N(−d2)    (put)
 *   rho   = T·K·e^(−rT)·N(d2) (call), −T·K·e^(−rT)·N(−d2) (put)
 *
 * At σ√T = 0 the price is the intrinsic value of the forward, max(±(S·c − K·e^(−rT)), 0).
 *
 * @example bsmGreeks({ spot: 49, strike: 50, timeYears: 20 / 52, rate: 0.05, costOfCarry: 0.05, vol: 0.2, isCall: true }).delta // 0.5216…
 */
export function bsmGreeks(parameters: BsmParameters): BsmGreeks {
  const { spot, strike, timeYears, rate, costOfCarry, vol, isCall } = parameters
  const sqrtT = Math.sqrt(timeYears)
  const sd = vol * sqrtT
  const carry = Math.exp((costOfCarry - rate) * timeYears)
  const discount = Math.exp(-rate * timeYears)
  if (!(sd > 0)) {
    const intrinsic = isCall ? spot * carry - strike * discount : strike * discount - spot * carry
    const inTheMoney = intrinsic > 0
    const d = intrinsic === 0 ? 0 : (isCall ? intrinsic > 0 : intrinsic < 0) ? Infinity : -Infinity
    return {
      price: inTheMoney ? intrinsic : 0,
      delta: inTheMoney ? (isCall ? carry : -carry) : 0,
      gamma: 0,
      vega: 0,
      theta: 0,
      rho: inTheMoney ? (isCall ? timeYears * strike * discount : -timeYears * strike * discount) : 0,
      d1: d,
      d2: d,
    }
  }
  const d1 = (Math.log(spot / strike) + costOfCarry * timeYears) / sd + 0.5 * sd
  const d2 = d1 - sd
  const pdf = normalPdf(d1)
  const decay = (-spot * carry * pdf * vol) / (2 * sqrtT)
  const gamma = (carry * pdf) / (spot * sd)
  const vega = spot * carry * pdf * sqrtT
  if (isCall) {
    const nd1 = normalCdf(d1)
    const nd2 = normalCdf(d2)
    return {
      price: spot * carry * nd1 - strike * discount * nd2,
      delta: carry * nd1,
      gamma,
      vega,
      theta: decay - (costOfCarry - rate) * spot * carry * nd1 - rate * strike * discount * nd2,
      rho: timeYears * strike * discount * nd2,
      d1,
      d2,
    }
  }
  const nmd1 = normalCdf(-d1)
  const nmd2 = normalCdf(-d2)
  return {
    price: strike * discount * nmd2 - spot * carry * nmd1,
    delta: -carry * nmd1,
    gamma,
    vega,
    theta: decay + (costOfCarry - rate) * spot * carry * nmd1 + rate * strike * discount * nmd2,
    rho: -timeYears * strike * discount * nmd2,
    d1,
    d2,
  }
}
