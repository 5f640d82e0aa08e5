import {
  aggregatorV3InterfaceAbi,
  collateralVaultAbi,
  oracleRouterAbi,
  positionBookAbi,
} from '@xmargin/contracts'
import { type Address, type Client, type Hex, zeroAddress, zeroHash } from 'viem'
import { SnapshotReadError } from '../errors.js'
import { toWad } from '../events/decodeLogs.js'
import { bytes32ToSymbol } from './bytes32Symbol.js'
import type { XmarginContracts } from './chainContracts.js'
import type {
  AssetInfo,
  ChainMarket,
  FundingInfo,
  InstrumentInfo,
  PriceQuote,
  VolFeed,
} from './marketTypes.js'
import { volKey } from './marketTypes.js'
import type { PinnedBlock } from './pinBlock.js'
import { type ContractRead, type ReadResult, readContractsAtBlock } from './readContractsAtBlock.js'

export type ReadChainMarketParameters = {
  contracts: XmarginContracts
  anchor: PinnedBlock
  /** Token symbols by lower-case address (the deployment's `tokens`), for naming assets. */
  tokenSymbols?: ReadonlyMap<string, string> | undefined
  /** Vol feed aggregators from the deployment (`volFeedsOf(chain.feeds)`), to watch and normalise. */
  volFeeds?: ReadonlyArray<Omit<VolFeed, 'decimals'>> | undefined
}

/**
 * Reads one chain's market at a pinned block in four `aggregate3` requests: (1) the asset and instrument
 * lists, (2) asset configs, instruments, funding and settlement prices, (3) feeds, guarded prices, rates and
 * vols, (4) the feeds' aggregators.
 *
 * @example const market = await readChainMarket(client, { contracts, anchor })
 */
export async function readChainMarket(
  client: Client,
  parameters: ReadChainMarketParameters,
): Promise<{ market: ChainMarket; requests: number }> {
  const { contracts, anchor } = parameters
  const { chainId } = contracts
  let requests = 0
  const read = async (reads: ContractRead[]) => {
    const out = await readContractsAtBlock(client, { multicall3: contracts.multicall3, anchor, reads })
    requests += out.requests
    return out.results
  }
  const vault = { address: contracts.collateralVault, abi: collateralVaultAbi }
  const book = { address: contracts.positionBook, abi: positionBookAbi }
  const oracle = { address: contracts.oracleRouter, abi: oracleRouterAbi }

  // (1) lists
  const [settlementResult, assetsResult, countResult] = await read([
    { ...vault, functionName: 'settlementAsset' },
    { ...vault, functionName: 'assets' },
    { ...book, functionName: 'instrumentCount' },
  ])
  const settlementAsset = required<Address>(settlementResult, chainId, 'CollateralVault.settlementAsset()')
  const assetAddresses = required<readonly Address[]>(assetsResult, chainId, 'CollateralVault.assets()')
  const instrumentCount = Number(required<number>(countResult, chainId, 'PositionBook.instrumentCount()'))
  const instrumentIds = Array.from({ length: instrumentCount }, (_, i) => i + 1)

  // (2) configs, instruments, funding, settlement prices
  const second = await read([
    ...assetAddresses.map((asset) => ({ ...vault, functionName: 'assetConfig', args: [asset] })),
    ...instrumentIds.flatMap((id) => [
      { ...book, functionName: 'instrument', args: [id] },
      { ...book, functionName: 'fundingState', args: [id] },
      { ...book, functionName: 'settlementPrice', args: [id] },
    ]),
  ])
  const assets: AssetInfo[] = assetAddresses.map((address, i) => {
    const config = required<{ decimals: number; priceKey: Hex; minDeposit: bigint }>(
      second[i],
      chainId,
      `CollateralVault.assetConfig(${address})`,
    )
    const isSettlement = address.toLowerCase() === settlementAsset.toLowerCase()
    return {
      chainId,
      address,
      decimals: Number(config.decimals),
      priceKey: config.priceKey,
      symbol:
        parameters.tokenSymbols?.get(address.toLowerCase()) ??
        (config.priceKey === zeroHash ? address : bytes32ToSymbol(config.priceKey)),
      isSettlement,
      minDeposit: config.minDeposit,
    }
  })
  const instruments: InstrumentInfo[] = []
  const funding = new Map<number, FundingInfo>()
  const settlementPrices = new Map<number, bigint>()
  for (const [i, instrumentId] of instrumentIds.entries()) {
    const base = assetAddresses.length + i * 3
    const spec = required<{ kind: number; underlying: Hex; expiry: bigint; strike: bigint; isCall: boolean }>(
      second[base],
      chainId,
      `PositionBook.instrument(${instrumentId})`,
    )
    const kind = Number(spec.kind) === 0 ? 'perp' : 'option'
    instruments.push({
      chainId,
      instrumentId,
      kind,
      underlying: spec.underlying,
      symbol: bytes32ToSymbol(spec.underlying),
      expiry: BigInt(spec.expiry),
      strike: spec.strike,
      isCall: spec.isCall,
    })
    if (kind === 'perp') {
      const state = required<{ index: bigint; ratePerSecond: bigint; updatedAt: bigint }>(
        second[base + 1],
        chainId,
        `PositionBook.fundingState(${instrumentId})`,
      )
      funding.set(instrumentId, {
        index: state.index,
        ratePerSecond: state.ratePerSecond,
        updatedAt: BigInt(state.updatedAt),
      })
    } else {
      const price = required<bigint>(
        second[base + 2],
        chainId,
        `PositionBook.settlementPrice(${instrumentId})`,
      )
      if (price > 0n) settlementPrices.set(instrumentId, price)
    }
  }

  // (3) oracle: feeds and guarded prices per key, rates per underlying, vols per option expiry
  const underlyings = [...new Set(instruments.map((instrument) => instrument.underlying))]
  const keys = [
    ...new Set([...underlyings, ...assets.filter((a) => a.priceKey !== zeroHash).map((a) => a.priceKey)]),
  ]
  const volPairs = [
    ...new Map(
      instruments
        .filter((instrument) => instrument.kind === 'option')
        .map((instrument) => [volKey(instrument.underlying, instrument.expiry), instrument] as const),
    ).values(),
  ]
  const third = await read([
    ...keys.flatMap((key) => [
      { ...oracle, functionName: 'feed', args: [key] },
      { ...oracle, functionName: 'priceWithTime', args: [key] },
    ]),
    ...underlyings.map((key) => ({ ...oracle, functionName: 'rate', args: [key] })),
    ...volPairs.map((instrument) => ({
      ...oracle,
      functionName: 'vol',
      args: [instrument.underlying, instrument.expiry],
    })),
  ])
  const feeds = keys.map((key, i) => {
    const feed = third[i * 2]
    return {
      key,
      config: feed?.ok
        ? (feed.value as {
            aggregator: Address
            heartbeatS: bigint
            decimals: number
            maxDeviation: bigint
            lastAccepted: bigint
          })
        : undefined,
      guarded: third[i * 2 + 1],
    }
  })
  const rates = new Map<Hex, bigint>()
  underlyings.forEach((key, i) => {
    const result = third[keys.length * 2 + i]
    rates.set(key, result?.ok ? (result.value as bigint) : 0n)
  })
  const vols = new Map<string, bigint>()
  const volErrors = new Map<string, string>()
  volPairs.forEach((instrument, i) => {
    const result = third[keys.length * 2 + underlyings.length + i]
    const k = volKey(instrument.underlying, instrument.expiry)
    if (result?.ok) vols.set(k, result.value as bigint)
    else volErrors.set(k, result?.error ?? 'not read')
  })

  // (4) aggregators: the market's latest answer, even when the router's band rejects it; vol feeds' decimals
  const withAggregator = feeds.filter((feed) => feed.config && feed.config.aggregator !== zeroAddress)
  const volFeedList = parameters.volFeeds ?? []
  const fourth = await read([
    ...withAggregator.map((feed) => ({
      address: feed.config!.aggregator,
      abi: aggregatorV3InterfaceAbi,
      functionName: 'latestRoundData',
    })),
    ...volFeedList.map((feed) => ({
      address: feed.aggregator,
      abi: aggregatorV3InterfaceAbi,
      functionName: 'decimals',
    })),
  ])
  const volFeeds = new Map<string, VolFeed>()
  volFeedList.forEach((feed, i) => {
    const result = fourth[withAggregator.length + i]
    if (result?.ok) volFeeds.set(volKey(feed.key, feed.expiry), { ...feed, decimals: Number(result.value) })
  })
  const prices = new Map<Hex, PriceQuote>()
  for (const feed of feeds) {
    const index = withAggregator.indexOf(feed)
    const round = index >= 0 ? fourth[index] : undefined
    const [, answer, , updatedAt] = round?.ok
      ? (round.value as readonly [bigint, bigint, bigint, bigint, bigint])
      : []
    const decimals = Number(feed.config?.decimals ?? 18)
    const aggregatorPrice = answer !== undefined && answer > 0n ? toWad(answer, decimals) : undefined
    const guardedPrice = feed.guarded?.ok ? (feed.guarded.value as readonly [bigint, bigint])[0] : undefined
    const lastAccepted = feed.config?.lastAccepted ?? 0n
    prices.set(feed.key, {
      key: feed.key,
      symbol: bytes32ToSymbol(feed.key),
      price: aggregatorPrice ?? guardedPrice ?? (lastAccepted > 0n ? lastAccepted : undefined),
      aggregatorPrice,
      aggregatorUpdatedAt: updatedAt,
      guardedPrice,
      guardError: feed.guarded && !feed.guarded.ok ? feed.guarded.error : undefined,
      lastAccepted,
      aggregator: feed.config?.aggregator ?? zeroAddress,
      decimals,
      heartbeatS: BigInt(feed.config?.heartbeatS ?? 0n),
    })
  }

  return {
    requests,
    market: {
      chainId,
      anchor,
      settlementAsset,
      assets,
      instruments,
      prices,
      rates,
      vols,
      volErrors,
      funding,
      settlementPrices,
      volFeeds,
    },
  }
}

function required<T>(result: ReadResult | undefined, chainId: number, what: string): T {
  if (!result) throw new SnapshotReadError(`chain ${chainId}: ${what} was not read`)
  if (!result.ok) throw new SnapshotReadError(`chain ${chainId}: ${what} failed`, { details: result.error })
  return result.value as T
}
