import type {
  AccountHoldings,
  ChainAnchor,
  ChainEvent,
  ChainMap,
  ChainMarket,
  ChainSnapshot,
  EventBatch,
  ReorgEvent,
  Snapshot,
} from '@xmargin/chain'
import { type Address, getAddress, zeroHash } from 'viem'
import { applyEvent } from './applyEvent.js'
import type { AccountChainView, AccountPortfolio, ChainState } from './types.js'

/** What one batch changed. */
export type ApplyResult = {
  chainId: number
  /** Events applied; `skipped` were already in the state (at or below the snapshot, or seen before). */
  applied: number
  skipped: number
  /** Accounts the batch touched (holdings changed, or an event about them). */
  accounts: Set<Address>
  /** Underlyings and collateral symbols whose price, funding or settlement moved. */
  priceMoves: Set<string>
  /** Accounts exposed to `priceMoves`, plus `accounts`: whose health may have changed. */
  affected: Set<Address>
  /** Accounts the store had not seen before this batch (read their other chains). */
  newAccounts: Set<Address>
  /** Assets, instruments or feeds changed: re-read the chain's market (`setMarket`). */
  marketChanged: boolean
  /** The batch was a reorg: the chain is stale until `loadChainSnapshot` rebuilds it. */
  reorg: ReorgEvent | undefined
}

export type PortfolioStore = {
  /** Replaces a chain's state with a snapshot: holdings of every account read, market, anchor. */
  loadChainSnapshot(snapshot: ChainSnapshot): void
  /** `loadChainSnapshot` for every chain of a snapshot. */
  loadSnapshot(snapshot: Snapshot): void
  /**
   * Sets accounts' holdings on a chain from a read at the chain's current anchor (accounts first seen in an
   * event). Ignored, returning false, when `anchor` is not the chain's anchor any more.
   */
  loadHoldings(anchor: ChainAnchor, holdings: ReadonlyMap<Address, AccountHoldings>): boolean
  /** Replaces a chain's market (after `marketChanged`), keeping holdings. */
  setMarket(chainId: number, market: ChainMarket): void
  /** Applies a cursor batch once: events at or before the last applied position are skipped. */
  apply(batch: EventBatch): ApplyResult
  /** Whether every chain is loaded and none waits for a rebuild. */
  isReady(): boolean
  /** Chains whose state a reorg voided. */
  staleChains(): number[]
  /** One account across every chain, with anchors. */
  account(account: Address): AccountPortfolio
  /** Every account with holdings or seen in an event. */
  accounts(): Address[]
  /** The anchor of every loaded chain, ascending by chain id. */
  anchors(): ChainAnchor[]
  market(chainId: number): ChainMarket | undefined
  markets(): ChainMap<ChainMarket>
  /** Accounts holding a position on underlying `symbol` or collateral priced by `symbol`, on any chain. */
  accountsExposedTo(symbol: string): Set<Address>
  /** The accounts an event concerns: the ones it names, or those exposed to the price it moved. */
  affectedBy(event: ChainEvent): Set<Address>
}

export type CreatePortfolioStoreParameters = {
  /** Every chain the portfolio spans (an account's view lists them all). */
  chainIds: readonly number[]
}

/**
 * The unified portfolio in memory: per chain, each account's vault balances and positions plus the chain's
 * market, all as of the chain's anchor. Loaded from snapshots (at start and after a reorg) and kept current
 * by applying cursor batches; answers which accounts an event or a price move affects.
 *
 * Invariant: a chain's state equals the chain at `anchor`: a snapshot at block S, plus every event of blocks
 * S+1 ..= anchor applied once in order.
 *
 * @example
 * const store = createPortfolioStore({ chainIds: [31337, 31338] })
 * store.loadSnapshot(await readSnapshot(clients, { accounts }))
 * const { affected } = store.apply(batch)
 */
export function createPortfolioStore(parameters: CreatePortfolioStoreParameters): PortfolioStore {
  const chainIds = [...parameters.chainIds].sort((a, b) => a - b)
  const chains = new Map<number, ChainState>()
  const stale = new Set<number>()
  // symbol → accounts exposed to it; account → its symbols (to update the index incrementally).
  const exposure = new Map<string, Set<Address>>()
  const exposureOf = new Map<Address, Set<string>>()
  const known = new Set<Address>()

  const reindex = (account: Address) => {
    const symbols = new Set<string>()
    for (const state of chains.values()) {
      const holdings = state.holdings.get(account)
      if (!holdings) continue
      for (const id of holdings.positions.keys()) {
        const instrument = state.market.instruments.find((candidate) => candidate.instrumentId === id)
        if (instrument) symbols.add(instrument.symbol)
      }
      for (const [asset, balance] of holdings.balances) {
        if (balance <= 0n) continue
        const info = state.market.assets.find(
          (candidate) => candidate.address.toLowerCase() === asset.toLowerCase(),
        )
        if (info && !info.isSettlement)
          symbols.add(state.market.prices.get(info.priceKey)?.symbol ?? info.symbol)
      }
    }
    for (const symbol of exposureOf.get(account) ?? []) exposure.get(symbol)?.delete(account)
    for (const symbol of symbols) {
      let set = exposure.get(symbol)
      if (!set) {
        set = new Set()
        exposure.set(symbol, set)
      }
      set.add(account)
    }
    exposureOf.set(account, symbols)
  }

  const loadChainSnapshot = (snapshot: ChainSnapshot) => {
    const { anchor, market } = snapshot
    const previous = chains.get(anchor.chainId)
    const holdings = new Map<Address, AccountHoldings>()
    for (const [account, entry] of snapshot.holdings) holdings.set(getAddress(account), cloneHoldings(entry))
    chains.set(anchor.chainId, {
      chainId: anchor.chainId,
      anchor: { chainId: anchor.chainId, blockNumber: anchor.blockNumber, blockHash: anchor.blockHash },
      snapshotBlock: anchor.blockNumber,
      appliedThrough: { blockNumber: anchor.blockNumber, logIndex: Number.MAX_SAFE_INTEGER },
      market: cloneMarket(market),
      holdings,
    })
    stale.delete(anchor.chainId)
    const touched = new Set<Address>([...holdings.keys(), ...(previous?.holdings.keys() ?? [])])
    for (const account of touched) {
      known.add(account)
      reindex(account)
    }
  }

  const store: PortfolioStore = {
    loadChainSnapshot,
    loadSnapshot(snapshot) {
      for (const chainSnapshot of Object.values(snapshot.chains)) loadChainSnapshot(chainSnapshot)
    },
    loadHoldings(anchor, holdings) {
      const state = chains.get(anchor.chainId)
      if (!state || state.anchor.blockHash !== anchor.blockHash) return false
      for (const [account, entry] of holdings) {
        const address = getAddress(account)
        state.holdings.set(address, cloneHoldings(entry))
        known.add(address)
        reindex(address)
      }
      return true
    },
    setMarket(chainId, market) {
      const state = chains.get(chainId)
      if (!state) return
      state.market = cloneMarket(market)
      for (const account of state.holdings.keys()) reindex(account)
    },
    apply(batch) {
      const result: ApplyResult = {
        chainId: batch.chainId,
        applied: 0,
        skipped: 0,
        accounts: new Set(),
        priceMoves: new Set(),
        affected: new Set(),
        newAccounts: new Set(),
        marketChanged: false,
        reorg: undefined,
      }
      const state = chains.get(batch.chainId)
      if (!state) {
        result.skipped = batch.events.length
        return result
      }
      for (const event of batch.events) {
        if (event.kind === 'reorg') {
          // Blocks after the ancestor are void. If the state includes any of them, it must be rebuilt.
          result.reorg = event
          if (state.anchor.blockNumber >= event.fromBlock) stale.add(batch.chainId)
          continue
        }
        if (stale.has(batch.chainId)) {
          result.skipped++
          continue
        }
        const { blockNumber, logIndex } = state.appliedThrough
        if (
          event.blockNumber < blockNumber ||
          (event.blockNumber === blockNumber && event.logIndex <= logIndex)
        ) {
          result.skipped++
          continue
        }
        const effect = applyEvent(state.holdings, state.market, event)
        state.appliedThrough = { blockNumber: event.blockNumber, logIndex: event.logIndex }
        result.applied++
        for (const account of effect.accounts) {
          if (!known.has(account)) result.newAccounts.add(account)
          known.add(account)
          result.accounts.add(account)
        }
        for (const symbol of effect.priceMoves) result.priceMoves.add(symbol)
        if (effect.marketChanged) result.marketChanged = true
      }
      if (!stale.has(batch.chainId) && batch.toBlock.number > state.anchor.blockNumber) {
        state.anchor = {
          chainId: batch.chainId,
          blockNumber: batch.toBlock.number,
          blockHash: batch.toBlock.hash,
        }
        state.appliedThrough = { blockNumber: batch.toBlock.number, logIndex: Number.MAX_SAFE_INTEGER }
      }
      for (const account of result.accounts) {
        reindex(account)
        result.affected.add(account)
      }
      for (const symbol of result.priceMoves)
        for (const account of exposure.get(symbol) ?? []) result.affected.add(account)
      return result
    },
    isReady: () => stale.size === 0 && chainIds.every((chainId) => chains.has(chainId)),
    staleChains: () => [...stale].sort((a, b) => a - b),
    account(account) {
      const address = getAddress(account)
      const views: { [chainId: number]: AccountChainView } = {}
      const anchors: ChainAnchor[] = []
      for (const chainId of chainIds) {
        const state = chains.get(chainId)
        const anchor = state?.anchor ?? { chainId, blockNumber: 0n, blockHash: zeroHash }
        const holdings = state?.holdings.get(address)
        views[chainId] = {
          chainId,
          anchor,
          balances: holdings?.balances ?? new Map(),
          positions: holdings?.positions ?? new Map(),
        }
        anchors.push(anchor)
      }
      return { account: address, chains: views, anchors }
    },
    accounts: () => [...known],
    anchors: () => chainIds.flatMap((chainId) => (chains.has(chainId) ? [chains.get(chainId)!.anchor] : [])),
    market: (chainId) => chains.get(chainId)?.market,
    markets: () => Object.fromEntries([...chains.values()].map((state) => [state.chainId, state.market])),
    accountsExposedTo: (symbol) => new Set(exposure.get(symbol) ?? []),
    affectedBy(event) {
      if (event.kind === 'reorg') {
        const state = chains.get(event.chainId)
        return new Set(state ? state.holdings.keys() : [])
      }
      const affected = new Set<Address>()
      for (const key of ['account', 'from', 'to'] as const)
        if (key in event && typeof event[key as keyof typeof event] === 'string') {
          const address = getAddress(event[key as keyof typeof event] as Address)
          if (known.has(address) || key === 'account') affected.add(address)
        }
      const symbols: string[] = []
      if (event.kind === 'priceUpdate' && event.key)
        symbols.push(chains.get(event.chainId)?.market.prices.get(event.key)?.symbol ?? event.key)
      if (event.kind === 'fundingUpdate' || event.kind === 'settlementPrice') {
        const instrument = chains
          .get(event.chainId)
          ?.market.instruments.find((i) => i.instrumentId === event.instrumentId)
        if (instrument) symbols.push(instrument.symbol)
      }
      for (const symbol of symbols) for (const account of exposure.get(symbol) ?? []) affected.add(account)
      return affected
    },
  }
  return store
}

function cloneHoldings(entry: AccountHoldings): AccountHoldings {
  return {
    balances: new Map([...entry.balances].map(([asset, balance]) => [getAddress(asset), balance])),
    positions: new Map(entry.positions),
  }
}

/** A market the store may update in place without touching the snapshot it came from. */
function cloneMarket(market: ChainMarket): ChainMarket {
  return {
    ...market,
    assets: [...market.assets],
    instruments: [...market.instruments],
    prices: new Map([...market.prices].map(([key, quote]) => [key, { ...quote }])),
    rates: new Map(market.rates),
    vols: new Map(market.vols),
    volErrors: new Map(market.volErrors),
    funding: new Map([...market.funding].map(([id, funding]) => [id, { ...funding }])),
    settlementPrices: new Map(market.settlementPrices),
    volFeeds: new Map(market.volFeeds),
  }
}
