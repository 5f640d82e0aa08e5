import type { ChainMap, ChainMarket } from '@xmargin/chain'
import type { MarketState, RiskArrayAccount, RiskArrayUnitPositions } from '@xmargin/margin'
import type { PortfolioConfig } from '../config/portfolioConfigSchema.js'
import { MissingMarketDataError } from '../errors.js'
import type { AccountPortfolio } from '../state/types.js'
import { accountCollateral } from './accountCollateral.js'
import { accountUnits } from './accountUnits.js'
import { homeChainIdOf } from './marketPrices.js'

export type ToRiskArrayAccountParameters = {
  portfolio: AccountPortfolio
  /** The market state the risk arrays were built from (`toRiskArrayMarket`). */
  riskMarket: MarketState
  markets: ChainMap<ChainMarket>
  config: PortfolioConfig
}

/**
 * One account as `marginFromRiskArrays` takes it: cash, collateral, and per underlying its option amounts by
 * series index of `riskMarket` (matched by `<chainId>:<instrumentId>`) and its perpetuals.
 *
 * @throws MissingMarketDataError when the account holds a series the market state left out.
 */
export function toRiskArrayAccount(parameters: ToRiskArrayAccountParameters): RiskArrayAccount {
  const { portfolio, riskMarket, markets, config } = parameters
  const homeChainId = homeChainIdOf(config, markets)
  const { cash, collateral } = accountCollateral(portfolio, markets, config, homeChainId)
  const { units, cashAdjustment } = accountUnits(portfolio, markets, config, homeChainId, riskMarket.asOf)
  const accountUnitsOut: RiskArrayUnitPositions[] = units.map((unit) => {
    const marketUnit = riskMarket.units.find((candidate) => candidate.underlying === unit.underlying)
    const index = new Map(marketUnit?.series.map((series, i) => [series.id, i]) ?? [])
    const optionSeries = new Int32Array(unit.options.length)
    const optionAmounts = new Float64Array(unit.options.length)
    unit.options.forEach((option, j) => {
      const i = option.id === undefined ? undefined : index.get(option.id)
      if (i === undefined) throw new MissingMarketDataError(`series ${option.id} is not in the market state`)
      optionSeries[j] = i
      optionAmounts[j] = option.amount
    })
    return { underlying: unit.underlying, optionSeries, optionAmounts, perps: unit.perps }
  })
  return { cash: cash + cashAdjustment, collateral, units: accountUnitsOut }
}
