import { normalCdf } from './normalCdf.js'

/**
 * Black-76 price of a European option on a forward, discounted to today.
 *
 * Positional arguments because this is the inner loop of every scenario revaluation.
 *
 *   d1 = (ln(F/K) + σ²T/2) / (σ√T),   d2 = d1 − σ√T
 *   call = D·(F·N(d1) − K·N(d2))
 *   put  = D·(K·N(−d2) − F·N(−d1))
 *
 * When σ√T = 0 (zero vol or expiry now) the price is the discounted intrinsic value
 * D·max(F − K, 0) for a call and D·max(K − F, 0) for a put.
 *
 * @param forward F, the expiry's forward price (> 0)
 * @param strike K (> 0)
 * @param timeYears T in years (≥ 0)
 * @param vol σ, annualised (≥ 0)
 * @param discount D, the discount factor to expiry (> 0)
 * @example black76Price(1500, 1500, 604800 / 31536000, 1, 1, true) // 82.80508066863456
 */
export function black76Price(
  forward: number,
  strike: number,
  timeYears: number,
  vol: number,
  discount: number,
  isCall: boolean,
): number {
  const sd = vol * Math.sqrt(timeYears)
  if (!(sd > 0)) {
    const intrinsic = isCall ? forward - strike : strike - forward
    return intrinsic > 0 ? discount * intrinsic : 0
  }
  const d1 = Math.log(forward / strike) / sd + 0.5 * sd
  const d2 = d1 - sd
  return isCall
    ? discount * (forward * normalCdf(d1) - strike * normalCdf(d2))
    : discount * (strike * normalCdf(-d2) - forward * normalCdf(-d1))
}
