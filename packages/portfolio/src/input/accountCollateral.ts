import type { ChainMap, ChainMarket } from '@xmargin/chain'
import type { CollateralLine } from '@xmargin/margin'
import { chainPenaltyOf, haircutOf, type PortfolioConfig } from '../config/portfolioConfigSchema.js'
import type { AccountPortfolio } from '../state/types.js'
import { quotePrice } from './marketPrices.js'
import { fromWad, tokensToNumber } from './units.js'

/**
 * An account's cash (Σ settlement balances, $1 per token, may be negative) and collateral lines (every
 * other vault balance, priced by its chain's oracle, with the configured haircut and chain penalty).
 *
 * @example const { cash, collateral } = accountCollateral(portfolio, markets, config, homeChainId)
 */
export function accountCollateral(
  portfolio: AccountPortfolio,
  markets: ChainMap<ChainMarket>,
  config: PortfolioConfig,
  homeChainId: number,
): { cash: number; collateral: CollateralLine[]; missingPrices: string[] } {
  let cash = 0
  const collateral: CollateralLine[] = []
  const missingPrices: string[] = []
  for (const view of Object.values(portfolio.chains)) {
    const market = markets[view.chainId]
    if (!market) continue
    for (const [asset, balance] of view.balances) {
      const info = market.assets.find((candidate) => candidate.address.toLowerCase() === asset.toLowerCase())
      if (!info) continue
      const amount = tokensToNumber(balance, info.decimals)
      if (info.isSettlement) {
        cash += amount
        continue
      }
      if (balance <= 0n) continue
      const price = quotePrice(market.prices.get(info.priceKey), config)
      if (price === undefined) {
        // Unpriceable collateral counts nothing (the chain would skip it when seizing, too).
        missingPrices.push(`${info.symbol} on chain ${view.chainId}`)
        continue
      }
      collateral.push({
        asset: info.symbol,
        chainId: view.chainId,
        amount,
        price: fromWad(price),
        haircut: haircutOf(config, info.symbol),
        chainPenalty: chainPenaltyOf(config, view.chainId, homeChainId),
      })
    }
  }
  return { cash, collateral, missingPrices }
}
