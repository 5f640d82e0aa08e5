import type { MarginInput } from '../input/marginInputSchema.js'
import type { MarketSeries, MarketState, RiskArrayAccount } from './riskArrayTypes.js'

/**
 * Splits a margin input into what does not depend on the holder (the market state: spots, expiry
 * curves, the distinct option series) and the account's holdings by series index, so that
 * `marginFromRiskArrays(buildRiskArrays(market), account)` equals `computeMargin(input)`.
 *
 * Series are distinct by (expiry, strike, call/put, vol): two positions in one series quoted at two
 * vols stay two series, exactly as the direct path values them.
 */
export function splitMarginInput(input: MarginInput): { market: MarketState; account: RiskArrayAccount } {
  const marketUnits = []
  const accountUnits = []
  for (const unit of input.units) {
    const series: MarketSeries[] = []
    const seriesIndex = new Map<string, number>()
    const options = unit.options ?? []
    const optionSeries = new Int32Array(options.length)
    const optionAmounts = new Float64Array(options.length)
    for (const [j, option] of options.entries()) {
      const key = `${option.expiry}:${option.strike}:${option.isCall}:${option.vol}`
      let index = seriesIndex.get(key)
      if (index === undefined) {
        index = series.length
        seriesIndex.set(key, index)
        series.push({ expiry: option.expiry, strike: option.strike, isCall: option.isCall, vol: option.vol })
      }
      optionSeries[j] = index
      optionAmounts[j] = option.amount
    }
    marketUnits.push({ underlying: unit.underlying, spot: unit.spot, expiries: unit.expiries ?? [], series })
    accountUnits.push({ underlying: unit.underlying, optionSeries, optionAmounts, perps: unit.perps ?? [] })
  }
  return {
    market: { asOf: input.asOf, params: input.params, units: marketUnits },
    account: { cash: input.cash, collateral: input.collateral, units: accountUnits },
  }
}
