import type { AccountHoldings, ChainMarket, ChainSnapshot, InstrumentInfo, PriceQuote } from '@xmargin/chain'
import { symbolToBytes32, volKey } from '@xmargin/chain'
import { type Address, getAddress, type Hex, zeroAddress, zeroHash } from 'viem'

export const WAD = 10n ** 18n
export const ASOF = 1_767_225_600
export const EXPIRY = BigInt(ASOF + 30 * 86_400)
export const ETH = symbolToBytes32('ETH')
export const WETH_KEY = symbolToBytes32('WETH')
export const alice: Address = getAddress('0x00000000000000000000000000000000000a11ce')
export const bob: Address = getAddress('0x0000000000000000000000000000000000000b0b')
export const usdc = (chainId: number): Address =>
  getAddress(`0x${'1'.repeat(36)}${chainId.toString(16).padStart(4, '0')}`)
export const weth = (chainId: number): Address =>
  getAddress(`0x${'2'.repeat(36)}${chainId.toString(16).padStart(4, '0')}`)

const hash = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`

function quote(key: Hex, symbol: string, price: bigint): PriceQuote {
  return {
    key,
    symbol,
    price,
    aggregatorPrice: price,
    aggregatorUpdatedAt: BigInt(ASOF),
    guardedPrice: price,
    guardError: undefined,
    lastAccepted: price,
    aggregator: zeroAddress,
    decimals: 8,
    heartbeatS: 3_600n,
  }
}

/**
 * A chain's market: USDC (settlement, 6 decimals) and WETH collateral, an ETH perp (id 1) and an ETH call and
 * put at 4 000 (ids 2, 3), ETH at `spot`, rate 5 %, vol 64 %, funding index 10 $/ETH growing 0.001 $/s.
 */
export function market(chainId: number, spot = 3_500n * WAD, blockNumber = 100n): ChainMarket {
  const instruments: InstrumentInfo[] = [
    {
      chainId,
      instrumentId: 1,
      kind: 'perp',
      underlying: ETH,
      symbol: 'ETH',
      expiry: 0n,
      strike: 0n,
      isCall: false,
    },
    {
      chainId,
      instrumentId: 2,
      kind: 'option',
      underlying: ETH,
      symbol: 'ETH',
      expiry: EXPIRY,
      strike: 4_000n * WAD,
      isCall: true,
    },
    {
      chainId,
      instrumentId: 3,
      kind: 'option',
      underlying: ETH,
      symbol: 'ETH',
      expiry: EXPIRY,
      strike: 4_000n * WAD,
      isCall: false,
    },
  ]
  return {
    chainId,
    anchor: { chainId, blockNumber, blockHash: hash(Number(blockNumber) + chainId), timestamp: BigInt(ASOF) },
    settlementAsset: usdc(chainId),
    assets: [
      {
        chainId,
        address: usdc(chainId),
        decimals: 6,
        priceKey: zeroHash,
        symbol: 'USDC',
        isSettlement: true,
        minDeposit: 1n,
      },
      {
        chainId,
        address: weth(chainId),
        decimals: 18,
        priceKey: WETH_KEY,
        symbol: 'WETH',
        isSettlement: false,
        minDeposit: 1n,
      },
    ],
    instruments,
    prices: new Map([
      [ETH, quote(ETH, 'ETH', spot)],
      [WETH_KEY, quote(WETH_KEY, 'WETH', spot)],
    ]),
    rates: new Map([[ETH, WAD / 20n]]),
    vols: new Map([[volKey(ETH, EXPIRY), (64n * WAD) / 100n]]),
    volErrors: new Map(),
    funding: new Map([
      [1, { index: 10n * WAD, ratePerSecond: WAD / 1_000n, updatedAt: BigInt(ASOF - 1_000) }],
    ]),
    settlementPrices: new Map(),
    volFeeds: new Map(),
  }
}

/** A chain snapshot of `market` with the given holdings. */
export function chainSnapshot(
  chainMarket: ChainMarket,
  holdings: ReadonlyArray<readonly [Address, AccountHoldings]>,
): ChainSnapshot {
  return {
    anchor: chainMarket.anchor,
    market: chainMarket,
    holdings: new Map(holdings),
    batchSize: 100,
    requests: { pin: 1, market: 4, accounts: 1 },
  }
}
