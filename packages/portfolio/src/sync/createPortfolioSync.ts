import {
  type AccountHoldings,
  type ChainAnchor,
  type ChainClients,
  type ChainMap,
  type CursorStore,
  createCursorStore,
  createEventCursor,
  type EventBatch,
  type EventCursor,
  logSources,
  pinBlock,
  type RangeBounds,
  readAccounts,
  readChainMarket,
  readChainSnapshot,
  resolveChainContracts,
  tokenSymbols,
  volFeedsOf,
  type XmarginContracts,
} from '@xmargin/chain'
import type { MarginParamsInput, MarketState } from '@xmargin/margin'
import type { Redis } from 'ioredis'
import type { Registry } from 'prom-client'
import type { Address } from 'viem'
import {
  type PortfolioConfig,
  type PortfolioConfigInput,
  portfolioConfigSchema,
} from '../config/portfolioConfigSchema.js'
import {
  type BuildMarginInputReturnType,
  buildMarginInput,
  latestTimestamp,
} from '../input/buildMarginInput.js'
import { buildMarketStructure, type MarketStructure } from '../market/buildMarketStructure.js'
import { toRiskArrayMarket } from '../market/toRiskArrayMarket.js'
import { type ApplyResult, createPortfolioStore, type PortfolioStore } from '../state/createPortfolioStore.js'

/** What one cursor batch did to the portfolio. */
export type PortfolioUpdate = {
  chainId: number
  batch: EventBatch
  result: ApplyResult
  /** Accounts whose margin must be recomputed: touched, exposed to a moved price, or on a rebuilt chain. */
  affected: Set<Address>
  /** The chain was rebuilt from a snapshot (after a reorg). */
  rebuilt: boolean
}

export type CreatePortfolioSyncParameters = {
  clients: ChainClients
  /** Where the cursors persist their positions. */
  redis: Redis
  /** Redis key prefix of the cursors (`{<prefix>}:cursor:<chainId>`). Default `xmargin`. */
  keyPrefix?: string | undefined
  /** A cursor store other than Redis (tests, tools). */
  cursorStore?: CursorStore | undefined
  /** Accounts to read at start; more join as events name them. */
  accounts?: readonly Address[] | undefined
  config?: PortfolioConfigInput | undefined
  /** Cursor settings. */
  cursor?:
    | {
        pollIntervalMs?: number | undefined
        range?: Partial<RangeBounds> | undefined
        ringSize?: number | undefined
        /** First block when no position is persisted (a back-fill); default the current head. */
        fromBlock?: ChainMap<bigint> | undefined
      }
    | undefined
  registry?: Registry | undefined
  /** Called after every batch the portfolio applied (in chain order per chain). */
  onUpdate?: ((update: PortfolioUpdate) => void | Promise<void>) | undefined
  /** Errors of the background cursors. */
  onError?: ((error: unknown) => void) | undefined
}

export type PortfolioSync = {
  store: PortfolioStore
  config: PortfolioConfig
  contracts: ChainMap<XmarginContracts>
  cursors: ChainMap<EventCursor>
  /** Snapshots every chain at its cursor's position; then `start` or `syncOnce` keep it current. */
  initialise(): Promise<void>
  /** `initialise`, then every cursor's background loop. */
  start(): Promise<void>
  /** Runs every cursor until caught up once (tests, tools). */
  syncOnce(): Promise<void>
  /** Stops every cursor (a range being handed over finishes). */
  stop(): Promise<void>
  /** Reads `accounts` on every chain at the current anchors and adds them to the portfolio. */
  track(accounts: readonly Address[]): Promise<void>
  /** The XPM-1 input of an account (DESIGN §3) with the anchors it rests on. */
  marginInput(
    account: Address,
    options?: { asOf?: number; params?: MarginParamsInput },
  ): BuildMarginInputReturnType
  /** The market state for `buildRiskArrays` (once per market state), and the risk units behind it. */
  riskMarket(options?: { asOf?: number; params?: MarginParamsInput }): {
    market: MarketState
    structure: MarketStructure
    missing: string[]
  }
}

/**
 * Keeps the unified portfolio current: at start, every chain is read at its cursor's position (the persisted
 * one after a restart), then each chain's cursor hands its batches to the store; a reorg rebuilds that chain
 * from a snapshot at the common ancestor before the cursor goes on, a listing or feed change re-reads the
 * chain's market, and an account first seen in an event is read on every chain.
 *
 * @example
 * const sync = createPortfolioSync({ clients, redis, accounts, onUpdate: ({ affected }) => recompute(affected) })
 * await sync.start()
 * const { input, anchors } = sync.marginInput(account)
 * await sync.stop()
 */
export function createPortfolioSync(parameters: CreatePortfolioSyncParameters): PortfolioSync {
  const { clients } = parameters
  const config = portfolioConfigSchema.parse(parameters.config ?? {})
  const chainIds = clients.chainIds
  const store = createPortfolioStore({ chainIds })
  const cursorStore =
    parameters.cursorStore ?? createCursorStore({ redis: parameters.redis, keyPrefix: parameters.keyPrefix })
  const contracts: ChainMap<XmarginContracts> = Object.fromEntries(
    chainIds.map((chainId) => [chainId, resolveChainContracts(clients.get(chainId).config)]),
  )
  const symbols = Object.fromEntries(
    chainIds.map((chainId) => [chainId, tokenSymbols(clients.get(chainId).config.tokens)]),
  )
  const volFeeds = Object.fromEntries(
    chainIds.map((chainId) => [chainId, volFeedsOf(clients.get(chainId).config.feeds)]),
  )
  const initialAccounts = [...(parameters.accounts ?? [])]

  const snapshotChain = async (chainId: number, at: ChainAnchor) => {
    const snapshot = await readChainSnapshot(clients.get(chainId).client, {
      contracts: contracts[chainId]!,
      accounts: [...new Set([...initialAccounts, ...store.accounts()])],
      blockHash: at.blockHash,
      tokenSymbols: symbols[chainId],
      volFeeds: volFeeds[chainId],
    })
    store.loadChainSnapshot(snapshot)
  }

  /** Reads accounts on every chain at the store's current anchor, retrying when an anchor moves meanwhile. */
  const readIntoStore = async (accounts: readonly Address[], onlyChains: readonly number[] = chainIds) => {
    await Promise.all(
      onlyChains.map(async (chainId) => {
        for (let attempt = 0; attempt < 5; attempt++) {
          const anchor = store.anchors().find((candidate) => candidate.chainId === chainId)
          const market = store.market(chainId)
          if (!anchor || !market) return
          const { holdings } = await readAccounts(clients.get(chainId).client, {
            contracts: contracts[chainId]!,
            anchor,
            accounts,
            assets: market.assets.map((asset) => asset.address),
            instrumentIds: market.instruments.map((instrument) => instrument.instrumentId),
          })
          if (store.loadHoldings(anchor, holdings as ReadonlyMap<Address, AccountHoldings>)) return
        }
      }),
    )
  }

  const onBatch = (chainId: number) => async (batch: EventBatch) => {
    const result = store.apply(batch)
    let rebuilt = false
    const affected = new Set(result.affected)
    if (result.reorg && store.staleChains().includes(chainId)) {
      // Everything after the ancestor is void: rebuild the chain at the ancestor itself, so the cursor's
      // re-ingestion from ancestor + 1 continues exactly where the snapshot stands.
      for (const account of store.affectedBy(result.reorg)) affected.add(account)
      await snapshotChain(chainId, {
        chainId,
        blockNumber: batch.toBlock.number,
        blockHash: batch.toBlock.hash,
      })
      for (const account of store.affectedBy(result.reorg)) affected.add(account)
      rebuilt = true
    } else if (result.marketChanged) {
      const anchor = await pinBlock(clients.get(chainId).client, { chainId, blockHash: batch.toBlock.hash })
      const { market } = await readChainMarket(clients.get(chainId).client, {
        contracts: contracts[chainId]!,
        anchor,
        tokenSymbols: symbols[chainId],
        volFeeds: volFeeds[chainId],
      })
      store.setMarket(chainId, market)
    }
    if (result.newAccounts.size > 0) {
      // Their state on this chain is complete from the events; on the other chains it must be read.
      await readIntoStore(
        [...result.newAccounts],
        chainIds.filter((id) => id !== chainId),
      )
    }
    await parameters.onUpdate?.({ chainId, batch, result, affected, rebuilt })
  }

  const cursors: ChainMap<EventCursor> = Object.fromEntries(
    chainIds.map((chainId) => {
      const { client, config: chainConfig } = clients.get(chainId)
      return [
        chainId,
        createEventCursor({
          chainId,
          client,
          store: cursorStore,
          confirmations: chainConfig.confirmations,
          sources: () => logSources(contracts[chainId]!, store.market(chainId)),
          fromBlock: parameters.cursor?.fromBlock?.[chainId],
          ringSize: parameters.cursor?.ringSize,
          range: parameters.cursor?.range,
          pollIntervalMs: parameters.cursor?.pollIntervalMs,
          onBatch: onBatch(chainId),
          onError: parameters.onError,
          registry: parameters.registry,
        }),
      ]
    }),
  )

  let initialised: Promise<void> | undefined
  const initialise = () => {
    initialised ??= (async () => {
      await Promise.all(
        chainIds.map(async (chainId) => {
          const position = await cursors[chainId]!.initialise()
          try {
            await snapshotChain(chainId, { chainId, blockNumber: position.number, blockHash: position.hash })
          } catch {
            // The cursor's block cannot be read (before the deployment, pruned state, reorged away): read the
            // head instead. The store skips the events the cursor replays up to it (they are in the snapshot).
            const head = await pinBlock(clients.get(chainId).client, {
              chainId,
              confirmations: clients.get(chainId).config.confirmations,
            })
            await snapshotChain(chainId, head)
          }
        }),
      )
    })()
    return initialised
  }

  return {
    store,
    config,
    contracts,
    cursors,
    initialise,
    async start() {
      await initialise()
      for (const chainId of chainIds) cursors[chainId]!.start()
    },
    async syncOnce() {
      await initialise()
      await Promise.all(chainIds.map((chainId) => cursors[chainId]!.sync()))
    },
    async stop() {
      await Promise.all(chainIds.map((chainId) => cursors[chainId]!.stop()))
    },
    async track(accounts) {
      await initialise()
      initialAccounts.push(...accounts)
      await readIntoStore(accounts)
    },
    marginInput(account, options = {}) {
      return buildMarginInput({
        portfolio: store.account(account),
        markets: store.markets(),
        config,
        asOf: options.asOf,
        params: options.params,
      })
    },
    riskMarket(options = {}) {
      const markets = store.markets()
      const asOf = options.asOf ?? latestTimestamp(markets)
      const structure = buildMarketStructure(markets, { asOf })
      const { market, missing } = toRiskArrayMarket({
        structure,
        markets,
        config,
        asOf,
        params: options.params,
      })
      return { market, structure, missing }
    },
  }
}
