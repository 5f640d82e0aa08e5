import { type ImpliedVolResult, impliedVolBlack76 } from './impliedVolBlack76.js'

export type ImpliedVolBsmParameters = {
  price: number
  spot: number
  strike: number
  timeYears: number
  rate: number
  /** b, the cost of carry (r − q). */
  costOfCarry: number
  isCall: boolean
  tolerance?: number
  maxIterations?: number
}

/**
 * The generalised Black-Scholes-Merton implied volatility, solved as Black-76 on the forward
 * F = S·e^(bT) with D = e^(−rT) (see impliedVolBlack76 for the method and failures).
 *
 * @example impliedVolBsm({ price: 1.875, spot: 21, strike: 20, timeYears: 0.25, rate: 0.1, costOfCarry: 0.1, isCall: true }).vol // 0.2345…
 */
export function impliedVolBsm(parameters: ImpliedVolBsmParameters): ImpliedVolResult {
  const { price, spot, strike, timeYears, rate, costOfCarry, isCall } = parameters
  return impliedVolBlack76({
    price,
    forward: spot * Math.exp(costOfCarry * timeYears),
    strike,
    timeYears,
    discount: Math.exp(-rate * timeYears),
    isCall,
    ...(parameters.tolerance === undefined ? {} : { tolerance: parameters.tolerance }),
    ...(parameters.maxIterations === undefined ? {} : { maxIterations: parameters.maxIterations }),
  })
}
