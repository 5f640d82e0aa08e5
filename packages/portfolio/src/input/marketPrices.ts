import type { ChainMap, ChainMarket, PriceQuote } from '@xmargin/chain'
import type { Hex } from 'viem'
import type { PortfolioConfig } from '../config/portfolioConfigSchema.js'
import { MissingMarketDataError } from '../errors.js'

/** The home chain: configured, else the lowest chain id. */
export function homeChainIdOf(config: PortfolioConfig, markets: ChainMap<ChainMarket>): number {
  if (config.homeChainId !== undefined) return config.homeChainId
  const ids = Object.keys(markets).map(Number)
  return Math.min(...ids)
}

/** The spot of a quote under the configured source (wad), if any. */
export function quotePrice(quote: PriceQuote | undefined, config: PortfolioConfig): bigint | undefined {
  if (!quote) return undefined
  if (config.priceSource === 'guarded')
    return quote.guardedPrice ?? (quote.lastAccepted > 0n ? quote.lastAccepted : undefined)
  return quote.price
}

/**
 * Where an underlying is priced and at what (wad): `preferChainId` first (a perp's own chain), then the home
 * chain, then every other chain by ascending id.
 *
 * @throws MissingMarketDataError when no chain has a readable price for `key`.
 */
export function resolveSpot(
  key: Hex,
  markets: ChainMap<ChainMarket>,
  config: PortfolioConfig,
  homeChainId: number,
  preferChainId?: number | undefined,
): { chainId: number; price: bigint } {
  const order = [
    ...(preferChainId === undefined ? [] : [preferChainId]),
    homeChainId,
    ...Object.keys(markets)
      .map(Number)
      .sort((a, b) => a - b),
  ]
  for (const chainId of order) {
    const price = quotePrice(markets[chainId]?.prices.get(key), config)
    if (price !== undefined && price > 0n) return { chainId, price }
  }
  throw new MissingMarketDataError(`no chain has a readable price for ${key}`, {
    details: Object.values(markets)
      .map((market) => `chain ${market.chainId}: ${market.prices.get(key)?.guardError ?? 'no feed'}`)
      .join('\n'),
  })
}
