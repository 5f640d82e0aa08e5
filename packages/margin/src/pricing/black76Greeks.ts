import { normalCdf } from './normalCdf.js'
import { normalPdf } from './normalPdf.js'

export type Black76Parameters = {
  /** F, the forward price to expiry (> 0). */
  forward: number
  /** K (> 0). */
  strike: number
  /** T in years (≥ 0). */
  timeYears: number
  /** σ, annualised (≥ 0). */
  vol: number
  /** D, the discount factor to expiry (> 0); the rate is r = −ln(D)/T. */
  discount: number
  isCall: boolean
}

export type Black76Greeks = {
  price: number
  /** ∂V/∂F. */
  delta: number
  /** ∂²V/∂F². */
  gamma: number
  /** ∂V/∂σ per 1.00 of vol. */
  vega: number
  /** −∂V/∂T per year, F and r held. */
  theta: number
  /** ∂V/∂r per 1.00 of rate, F held. */
  rho: number
  d1: number
  d2: number
  /** N(d1), undiscounted (the `N_d1` of the Lyra vectors). */
  nd1: number
}

/**
 * Black-76 price and Greeks of a European option on a forward.
 *
 *   d1 = (ln(F/K) + σ²T/2)/(σ√T), d2 = d1 − σ√T, n = normal density
 *   delta = D·N(d1) (call), D·(N(d1) − 1) (put)
 *   gamma = D·n(d1)/(F·σ√T)
 *   vega  = D·F·n(d1)·√T
 *   theta = −D·F·n(d1)·σ/(2√T) + r·V          (−∂V/∂T with r = −ln(D)/T and F held)
 *   rho   = −T·V                               (∂V/∂r with F held)
 *
 * At σ√T = 0 the option is its discounted intrinsic value; gamma, vega and theta are 0 and delta is
 * D·1{F > K} for a call, −D·1{F < K} for a put.
 *
 * @example black76Greeks({ forward: 20, strike: 20, timeYears: 1 / 3, vol: 0.25, discount: Math.exp(-0.03), isCall: false }).price // 1.1166…
 */
export function black76Greeks(parameters: Black76Parameters): Black76Greeks {
  const { forward, strike, timeYears, vol, discount, isCall } = parameters
  const sqrtT = Math.sqrt(timeYears)
  const sd = vol * sqrtT
  if (!(sd > 0)) {
    const intrinsic = isCall ? forward - strike : strike - forward
    const inTheMoney = intrinsic > 0
    const price = inTheMoney ? discount * intrinsic : 0
    const d = forward > strike ? Number.POSITIVE_INFINITY : forward < strike ? Number.NEGATIVE_INFINITY : 0
    return {
      price,
      delta: inTheMoney ? (isCall ? discount : -discount) : 0,
      gamma: 0,
      vega: 0,
      theta: 0,
      rho: -timeYears * price,
      d1: d,
      d2: d,
      nd1: normalCdf(d),
    }
  }
  const d1 = Math.log(forward / strike) / sd + 0.5 * sd
  const d2 = d1 - sd
  const nd1 = normalCdf(d1)
  const pdf = normalPdf(d1)
  const price = isCall
    ? discount * (forward * nd1 - strike * normalCdf(d2))
    : discount * (strike * normalCdf(-d2) - forward * normalCdf(-d1))
  const rate = timeYears > 0 ? -Math.log(discount) / timeYears : 0
  return {
    price,
    delta: isCall ? discount * nd1 : discount * (nd1 - 1),
    gamma: (discount * pdf) / (forward * sd),
    vega: discount * forward * pdf * sqrtT,
    theta: (-discount * forward * pdf * vol) / (2 * sqrtT) + rate * price,
    rho: -timeYears * price,
    d1,
    d2,
    nd1,
  }
}
