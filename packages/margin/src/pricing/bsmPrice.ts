import { black76Price } from './black76Price.js'
import type { BsmParameters } from './bsmGreeks.js'

/**
 * Generalised Black-Scholes-Merton price with cost of carry b, as Black-76 on the forward
 * F = S·e^(bT) discounted with D = e^(−rT):
 *
 *   call = D·(F·N(d1) − K·N(d2)),  put = D·(K·N(−d2) − F·N(−d1)),  d1 = (ln(F/K) + σ²T/2)/(σ√T)
 *
 * which is Haug's S·e^((b−r)T)·N(d1) − K·e^(−rT)·N(d2) rearranged.
 *
 * @example bsmPrice({ spot: 60, strike: 65, timeYears: 0.25, rate: 0.08, costOfCarry: 0.08, vol: 0.3, isCall: true }) // 2.1333…
 */
export function bsmPrice(parameters: BsmParameters): number {
  const { spot, strike, timeYears, rate, costOfCarry, vol, isCall } = parameters
  return black76Price(
    spot * Math.exp(costOfCarry * timeYears),
    strike,
    timeYears,
    vol,
    Math.exp(-rate * timeYears),
    isCall,
  )
}
