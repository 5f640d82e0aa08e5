import type { ChainMap, ChainMarket } from '@xmargin/chain'
import { volKey } from '@xmargin/chain'
import type { MarginParamsInput, MarketSeries, MarketState } from '@xmargin/margin'
import type { PortfolioConfig } from '../config/portfolioConfigSchema.js'
import { expiryInputs } from '../input/expiryInputs.js'
import { homeChainIdOf, resolveSpot } from '../input/marketPrices.js'
import { fromWad } from '../input/units.js'
import { instrumentKey, type MarketStructure } from './buildMarketStructure.js'

export type ToRiskArrayMarketParameters = {
  structure: MarketStructure
  markets: ChainMap<ChainMarket>
  config: PortfolioConfig
  asOf: number
  params?: MarginParamsInput | undefined
}

/**
 * The margin package's `MarketState` (what `buildRiskArrays` takes, once per market state) from the risk
 * units: per underlying its spot (home chain first), expiry curve, and every live option series of every
 * chain with its chain's vol (`id` = `<chainId>:<instrumentId>`). Series without a readable vol are left out
 * and listed in `missing`; an account holding one cannot be margined until its feed answers.
 *
 * @example const arrays = buildRiskArrays(toRiskArrayMarket({ structure, markets, config, asOf }).market)
 */
export function toRiskArrayMarket(parameters: ToRiskArrayMarketParameters): {
  market: MarketState
  missing: string[]
} {
  const { structure, markets, config, asOf } = parameters
  const homeChainId = homeChainIdOf(config, markets)
  const missing: string[] = []
  const units = []
  for (const unit of structure.units) {
    let spot: { chainId: number; price: bigint }
    try {
      spot = resolveSpot(unit.key, markets, config, homeChainId)
    } catch {
      missing.push(`${unit.underlying}: no price`)
      continue
    }
    const series: MarketSeries[] = []
    const expiries = new Set<bigint>()
    for (const option of unit.options) {
      const vol = markets[option.chainId]?.vols.get(volKey(option.underlying, option.expiry))
      if (vol === undefined) {
        missing.push(`${instrumentKey(option.chainId, option.instrumentId)}: no vol`)
        continue
      }
      expiries.add(option.expiry)
      series.push({
        id: instrumentKey(option.chainId, option.instrumentId),
        expiry: Number(option.expiry),
        strike: fromWad(option.strike),
        isCall: option.isCall,
        vol: fromWad(vol),
      })
    }
    const spotUsd = fromWad(spot.price)
    units.push({
      underlying: unit.underlying,
      spot: spotUsd,
      expiries: expiryInputs(
        unit.key,
        [...expiries].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        markets,
        spot.chainId,
        spotUsd,
        asOf,
      ),
      series,
    })
  }
  const market: MarketState = { asOf, units }
  if (parameters.params !== undefined) market.params = parameters.params
  return { market, missing }
}
