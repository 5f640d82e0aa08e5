import type { CollateralLine, MarginInput, MarketUnit, OptionPosition, PerpPosition } from '@xmargin/margin'
import { type Address, encodePacked, getAddress, keccak256 } from 'viem'
import {
  type AccountChainHoldings,
  type AssetRef,
  type ChainAnchor,
  type InstrumentRef,
  type PermitUse,
  type PortfolioAccount,
  type PortfolioChange,
  type PortfolioMarket,
  type PortfolioSource,
  positionId,
} from './types.js'

/** An underlying of the in-memory market: spot, rate and one vol per option expiry. */
export type MemoryUnderlying = {
  symbol: string
  spot: number
  rate?: number | undefined
  vol?: number | undefined
}

export type MemoryMarketSpec = {
  asOf: number
  chains: readonly { chainId: number; eid: number }[]
  underlyings: readonly MemoryUnderlying[]
  instruments: readonly InstrumentRef[]
  /** Collateral assets with their USD price (the settlement asset is $1). */
  assets: readonly (AssetRef & { price: number })[]
  haircuts?: Readonly<Record<string, number>> | undefined
  /** Penalty of collateral per chain id. Default 0. */
  chainPenalties?: Readonly<Record<number, number>> | undefined
}

/** A position as the in-memory portfolio keeps it: size (wad) and average entry price (USD). */
export type MemoryPosition = { size: bigint; entryPrice: number }

export type MemoryPortfolio = PortfolioSource & {
  /** Moves an underlying's spot (or a collateral asset's price) and notifies a market change. */
  setPrice(symbol: string, price: number): void
  /** Replaces an account's balances and positions on a chain and notifies. */
  setHoldings(
    account: Address,
    chainId: number,
    holdings: {
      balances?: Readonly<Record<Address, bigint>>
      positions?: Readonly<Record<number, MemoryPosition>>
    },
  ): void
  /** Reports a permit as used on chain (the holdings change separately). */
  usePermit(use: Omit<PermitUse, 'blockNumber'>): void
  /** Marks a chain as lagging or unreachable (readiness tests). */
  setChainStatus(chainId: number, status: { lagBlocks?: number; error?: string | undefined }): void
}

/**
 * A portfolio kept in memory and moved by hand: the unit tests' stand-in for the chains (it cannot read a
 * chain; the end-to-end tests use `createChainPortfolio`). Every change mines a pseudo-block on the chain it
 * touches, so anchors move as they would, and two instances driven the same way have the same anchors.
 *
 * @example
 * const portfolio = createMemoryPortfolio(spec)
 * portfolio.setHoldings(account, 31337, { balances: { [usdc]: 10_000n * 10n ** 6n } })
 */
export function createMemoryPortfolio(spec: MemoryMarketSpec): MemoryPortfolio {
  const listeners = new Set<(change: PortfolioChange) => void>()
  const prices = new Map<string, number>()
  for (const underlying of spec.underlyings) prices.set(underlying.symbol, underlying.spot)
  for (const asset of spec.assets) if (!asset.isSettlement) prices.set(asset.symbol, asset.price)
  const blocks = new Map<number, bigint>(spec.chains.map((chain) => [chain.chainId, 1n]))
  const lags = new Map<number, { lagBlocks: number; error: string | undefined }>()
  const holdings = new Map<
    Address,
    Map<number, { balances: Map<Address, bigint>; positions: Map<number, MemoryPosition> }>
  >()
  const instruments = new Map(spec.instruments.map((i) => [positionId(i.chainId, i.instrumentId), i]))
  let market: PortfolioMarket | undefined
  let started = false

  const anchorOf = (chainId: number): ChainAnchor => {
    const blockNumber = blocks.get(chainId) ?? 0n
    return {
      chainId,
      blockNumber,
      blockHash: keccak256(encodePacked(['uint64', 'uint64'], [BigInt(chainId), blockNumber])),
    }
  }
  const anchors = () =>
    spec.chains.map((chain) => anchorOf(chain.chainId)).sort((a, b) => a.chainId - b.chainId)
  const mine = (chainId: number) => blocks.set(chainId, (blocks.get(chainId) ?? 0n) + 1n)

  const buildMarket = (): PortfolioMarket => {
    const units: MarketUnit[] = spec.underlyings.map((underlying) => {
      const spot = prices.get(underlying.symbol)!
      const rate = underlying.rate ?? 0
      const options = spec.instruments.filter(
        (i) => i.kind === 'option' && i.underlying === underlying.symbol,
      )
      const expiries = [...new Set(options.map((o) => o.expiry!))].sort((a, b) => a - b)
      return {
        underlying: underlying.symbol,
        spot,
        expiries: expiries.map((expiry) => {
          const t = (expiry - spec.asOf) / 31_536_000
          return { expiry, forward: spot * Math.exp(rate * t), rate, discount: Math.exp(-rate * t) }
        }),
        series: options.map((o) => ({
          id: positionId(o.chainId, o.instrumentId),
          expiry: o.expiry!,
          strike: o.strike!,
          isCall: o.isCall!,
          vol: underlying.vol ?? 0.6,
        })),
      }
    })
    const perpMarks = new Map<string, number>()
    for (const [id, i] of instruments) if (i.kind === 'perp') perpMarks.set(id, prices.get(i.underlying)!)
    return {
      asOf: spec.asOf,
      state: { asOf: spec.asOf, units },
      instruments,
      assets: spec.assets.map((asset) => ({
        ...asset,
        price: asset.isSettlement ? 1 : prices.get(asset.symbol)!,
        haircut: asset.isSettlement ? 0 : (spec.haircuts?.[asset.symbol] ?? 0),
        chainPenalty: asset.isSettlement ? 0 : (spec.chainPenalties?.[asset.chainId] ?? 0),
      })),
      perpMarks,
      eids: new Map(spec.chains.map((chain) => [chain.chainId, chain.eid])),
    }
  }

  const currentMarket = (): PortfolioMarket => {
    market ??= buildMarket()
    return market
  }

  const buildInput = (account: Address): PortfolioAccount => {
    const current = currentMarket()
    const byChain = holdings.get(account) ?? new Map()
    let cash = 0
    const collateral: CollateralLine[] = []
    const perps = new Map<string, PerpPosition[]>()
    const options = new Map<string, OptionPosition[]>()
    const chains: AccountChainHoldings[] = []
    for (const chain of spec.chains) {
      const entry = byChain.get(chain.chainId)
      const positions = new Map<number, bigint>()
      chains.push({ chainId: chain.chainId, balances: new Map(entry?.balances ?? []), positions })
      if (!entry) continue
      for (const [address, balance] of entry.balances) {
        const asset = spec.assets.find((a) => a.chainId === chain.chainId && a.address === address)
        if (!asset) continue
        const amount = Number(balance) / 10 ** asset.decimals
        if (asset.isSettlement) cash += amount
        else if (balance > 0n)
          collateral.push({
            asset: asset.symbol,
            chainId: chain.chainId,
            amount,
            price: prices.get(asset.symbol)!,
            haircut: spec.haircuts?.[asset.symbol] ?? 0,
            chainPenalty: spec.chainPenalties?.[chain.chainId] ?? 0,
          })
      }
      for (const [instrumentId, position] of entry.positions) {
        if (position.size === 0n) continue
        positions.set(instrumentId, position.size)
        const id = positionId(chain.chainId, instrumentId)
        const instrument = instruments.get(id)
        if (!instrument) continue
        const size = Number(position.size) / 1e18
        if (instrument.kind === 'perp') {
          const mark = current.perpMarks.get(id)!
          const list = perps.get(instrument.underlying) ?? []
          list.push({
            id,
            chainId: chain.chainId,
            size,
            markPrice: mark,
            unrealisedPnl: size * (mark - position.entryPrice),
          })
          perps.set(instrument.underlying, list)
        } else {
          const underlying = spec.underlyings.find((u) => u.symbol === instrument.underlying)
          const list = options.get(instrument.underlying) ?? []
          list.push({
            id,
            chainId: chain.chainId,
            expiry: instrument.expiry!,
            strike: instrument.strike!,
            isCall: instrument.isCall!,
            amount: size,
            vol: underlying?.vol ?? 0.6,
          })
          options.set(instrument.underlying, list)
        }
      }
    }
    const units = current.state.units
      .filter((unit) => perps.has(unit.underlying) || options.has(unit.underlying))
      .map((unit) => ({
        underlying: unit.underlying,
        spot: unit.spot,
        expiries: unit.expiries.filter((e) =>
          options.get(unit.underlying)?.some((o) => o.expiry === e.expiry),
        ),
        options: options.get(unit.underlying) ?? [],
        perps: perps.get(unit.underlying) ?? [],
      }))
    const input: MarginInput = { asOf: spec.asOf, cash, collateral, units }
    return { account, anchors: anchors(), input, chains }
  }

  const notify = (change: Omit<PortfolioChange, 'observedAtMs'>) => {
    if (!started) return
    const full: PortfolioChange = { ...change, observedAtMs: performance.now() }
    for (const listener of listeners) listener(full)
  }
  const none = new Set<Address>()

  return {
    async start() {
      started = true
      market = buildMarket()
    },
    async stop() {
      started = false
    },
    status: () => ({
      ready: started,
      chains: spec.chains.map((chain) => ({
        chainId: chain.chainId,
        blockNumber: blocks.get(chain.chainId),
        lagBlocks: lags.get(chain.chainId)?.lagBlocks ?? 0,
        stale: false,
        error: lags.get(chain.chainId)?.error,
      })),
    }),
    anchors,
    market: currentMarket,
    accounts: () => holdings.keys(),
    account: (account) => {
      const address = getAddress(account)
      return holdings.has(address) ? buildInput(address) : undefined
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    setPrice(symbol, price) {
      prices.set(symbol, price)
      for (const chain of spec.chains) mine(chain.chainId)
      market = buildMarket()
      const affected = new Set(holdings.keys())
      notify({ accounts: none, affected, marketChanged: true, permitsUsed: [], signerSetRotated: false })
    },
    setHoldings(account, chainId, next) {
      const address = getAddress(account)
      const byChain = holdings.get(address) ?? new Map()
      holdings.set(address, byChain)
      const entry = byChain.get(chainId) ?? { balances: new Map(), positions: new Map() }
      if (next.balances)
        entry.balances = new Map(
          Object.entries(next.balances).map(([asset, amount]) => [getAddress(asset), amount]),
        )
      if (next.positions)
        entry.positions = new Map(
          Object.entries(next.positions).map(([id, position]) => [Number(id), position]),
        )
      byChain.set(chainId, entry)
      mine(chainId)
      const accounts = new Set([address])
      notify({ accounts, affected: accounts, marketChanged: false, permitsUsed: [], signerSetRotated: false })
    },
    usePermit(use) {
      mine(use.chainId)
      const accounts = new Set([getAddress(use.account)])
      notify({
        accounts,
        affected: accounts,
        marketChanged: false,
        permitsUsed: [{ ...use, account: getAddress(use.account), blockNumber: blocks.get(use.chainId)! }],
        signerSetRotated: false,
      })
    },
    setChainStatus(chainId, status) {
      lags.set(chainId, { lagBlocks: status.lagBlocks ?? 0, error: status.error })
    },
  }
}
