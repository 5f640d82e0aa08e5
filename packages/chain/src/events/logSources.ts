import { zeroAddress } from 'viem'
import type { XmarginContracts } from '../snapshot/chainContracts.js'
import type { ChainMarket } from '../snapshot/marketTypes.js'
import type { LogSource } from './decodeLogs.js'

/**
 * The contracts whose logs a chain's cursor ingests: vault, book, oracle router, risk guard, liquidator and
 * messenger, plus the aggregator of every spot feed in `market` (their `AnswerUpdated` is a price move) and of
 * every vol feed the market knows (a vol move).
 *
 * @example createEventCursor({ …, sources: () => logSources(contracts, portfolio.market(chainId)) })
 */
export function logSources(contracts: XmarginContracts, market?: ChainMarket | undefined): LogSource[] {
  const sources: LogSource[] = [
    { name: 'collateralVault', address: contracts.collateralVault },
    { name: 'positionBook', address: contracts.positionBook },
    { name: 'oracleRouter', address: contracts.oracleRouter },
    { name: 'riskGuard', address: contracts.riskGuard },
  ]
  if (contracts.liquidator) sources.push({ name: 'liquidator', address: contracts.liquidator })
  if (contracts.messenger) sources.push({ name: 'messenger', address: contracts.messenger })
  const seen = new Set<string>()
  for (const quote of market?.prices.values() ?? []) {
    if (quote.aggregator === zeroAddress || seen.has(quote.aggregator.toLowerCase())) continue
    seen.add(quote.aggregator.toLowerCase())
    sources.push({ name: 'aggregator', address: quote.aggregator, key: quote.key, decimals: quote.decimals })
  }
  for (const feed of market?.volFeeds.values() ?? []) {
    if (seen.has(feed.aggregator.toLowerCase())) continue
    seen.add(feed.aggregator.toLowerCase())
    sources.push({
      name: 'aggregator',
      address: feed.aggregator,
      key: feed.key,
      decimals: feed.decimals,
      volExpiry: feed.expiry,
    })
  }
  return sources
}
