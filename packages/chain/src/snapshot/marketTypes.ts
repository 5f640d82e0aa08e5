import type { Address, Hex } from 'viem'
import { symbolToBytes32 } from './bytes32Symbol.js'
import type { PinnedBlock } from './pinBlock.js'

/** A listed PositionBook instrument. Cross-chain identity is `(chainId, instrumentId)`. */
export type InstrumentInfo = {
  chainId: number
  instrumentId: number
  kind: 'perp' | 'option'
  /** OracleRouter key of the underlying (`bytes32`). */
  underlying: Hex
  /** The key as text, e.g. `ETH`. */
  symbol: string
  /** Option expiry (seconds); 0 for perps. */
  expiry: bigint
  /** Option strike (wad USD); 0 for perps. */
  strike: bigint
  isCall: boolean
}

/** A listed collateral asset of a vault. */
export type AssetInfo = {
  chainId: number
  address: Address
  decimals: number
  /** OracleRouter key of its USD price; zero for the settlement asset (worth $1 by definition). */
  priceKey: Hex
  /** The deployment's token symbol, else the price key as text. */
  symbol: string
  isSettlement: boolean
  minDeposit: bigint
}

/** A spot quote of one OracleRouter key, from every angle the chain offers (wad USD). */
export type PriceQuote = {
  key: Hex
  symbol: string
  /**
   * The spot the portfolio uses: the aggregator's latest answer (the market, even beyond the router's
   * deviation band), else the router's guarded price, else its last accepted reference.
   */
  price: bigint | undefined
  /** `latestRoundData` of the feed's aggregator, normalised to wad. */
  aggregatorPrice: bigint | undefined
  aggregatorUpdatedAt: bigint | undefined
  /** `OracleRouter.price(key)`: what liquidation bounds use; undefined when it reverts (`guardError`). */
  guardedPrice: bigint | undefined
  guardError: string | undefined
  lastAccepted: bigint
  aggregator: Address
  decimals: number
  heartbeatS: bigint
}

/** A perp's funding: `index(t) = index + ratePerSecond·(t − updatedAt)` (wad USD per unit; longs pay when it rises). */
export type FundingInfo = { index: bigint; ratePerSecond: bigint; updatedAt: bigint }

/**
 * Everything one chain says about its markets at one block: listed assets and instruments, spot quotes per
 * key, rates, vols per (underlying, expiry), funding, settlement prices.
 */
export type ChainMarket = {
  chainId: number
  anchor: PinnedBlock
  settlementAsset: Address
  assets: AssetInfo[]
  instruments: InstrumentInfo[]
  /** By OracleRouter key. */
  prices: Map<Hex, PriceQuote>
  /** Annualised rate (wad, signed) by underlying key; 0 when unset. */
  rates: Map<Hex, bigint>
  /** Vol (wad) by `volKey(underlying, expiry)`; absent when the feed reverts (see `volErrors`). */
  vols: Map<string, bigint>
  volErrors: Map<string, string>
  /** By perp instrument id. */
  funding: Map<number, FundingInfo>
  /** Fixed settlement prices of expired options (wad), by instrument id. */
  settlementPrices: Map<number, bigint>
  /** Vol feed aggregators known from the deployment, by `volKey(underlying, expiry)`, with their decimals. */
  volFeeds: Map<string, VolFeed>
}

/** A vol feed's aggregator (the router has no view of it: it comes from the deployment's `feeds`). */
export type VolFeed = { key: Hex; expiry: bigint; aggregator: Address; decimals: number }

/**
 * The vol feeds a deployment chain lists as `feeds["<key>:vol:<expiry>"]` (decimals still unknown).
 *
 * @example volFeedsOf({ ETH: '0x…', 'ETH:vol:1769846400': '0x…' }) // [{ key: ETH, expiry: 1769846400n, … }]
 */
export function volFeedsOf(
  feeds: { readonly [name: string]: Address } | undefined,
): Omit<VolFeed, 'decimals'>[] {
  return Object.entries(feeds ?? {}).flatMap(([name, aggregator]) => {
    const match = /^(.+):vol:(\d+)$/.exec(name)
    return match ? [{ key: symbolToBytes32(match[1]!), expiry: BigInt(match[2]!), aggregator }] : []
  })
}

/** The key of a vol in `ChainMarket.vols`. */
export function volKey(underlying: Hex, expiry: bigint): string {
  return `${underlying}:${expiry}`
}
