import type { ChainAnchor, ChainMap, ChainMarket } from '@xmargin/chain'
import type { MarginInput, MarginParamsInput } from '@xmargin/margin'
import type { PortfolioConfig } from '../config/portfolioConfigSchema.js'
import type { AccountPortfolio } from '../state/types.js'
import { accountCollateral } from './accountCollateral.js'
import { accountUnits } from './accountUnits.js'
import { expiryInputs } from './expiryInputs.js'
import { homeChainIdOf } from './marketPrices.js'

export type BuildMarginInputParameters = {
  portfolio: AccountPortfolio
  markets: ChainMap<ChainMarket>
  config: PortfolioConfig
  /** Valuation time (Unix seconds). Default: the latest block timestamp among the markets' anchors. */
  asOf?: number | undefined
  /** XPM-1 parameters; omitted means the margin package's defaults. */
  params?: MarginParamsInput | undefined
}

export type BuildMarginInputReturnType = {
  /** The XPM-1 input of DESIGN §3. */
  input: MarginInput
  /** The chain anchors the input rests on (ascending chain id). */
  anchors: ChainAnchor[]
  /** Collateral left out because no price was readable. */
  missingPrices: string[]
}

/**
 * The XPM-1 input of one account from the unified portfolio and the chains' market data: cash and
 * collateral from every vault, and one unit per underlying with the unit's spot (home chain's oracle
 * first), its expiry curve, every option with its chain's vol and every perpetual with its mark and
 * unrealised P&L (funding included).
 *
 * @example const { input } = buildMarginInput({ portfolio: store.account(a), markets: store.markets(), config })
 */
export function buildMarginInput(parameters: BuildMarginInputParameters): BuildMarginInputReturnType {
  const { portfolio, markets, config } = parameters
  const homeChainId = homeChainIdOf(config, markets)
  const asOf = parameters.asOf ?? latestTimestamp(markets)
  const { cash, collateral, missingPrices } = accountCollateral(portfolio, markets, config, homeChainId)
  const { units, cashAdjustment } = accountUnits(portfolio, markets, config, homeChainId, asOf)
  const input: MarginInput = {
    asOf,
    cash: cash + cashAdjustment,
    collateral,
    units: units.map((unit) => ({
      underlying: unit.underlying,
      spot: unit.spot,
      expiries: expiryInputs(unit.key, unit.expiries, markets, unit.spotChainId, unit.spot, asOf),
      options: unit.options,
      perps: unit.perps,
    })),
  }
  if (parameters.params !== undefined) input.params = parameters.params
  return { input, anchors: portfolio.anchors, missingPrices }
}

/** The latest block timestamp among the markets' anchors (seconds). */
export function latestTimestamp(markets: ChainMap<ChainMarket>): number {
  return Math.max(0, ...Object.values(markets).map((market) => Number(market.anchor.timestamp)))
}
