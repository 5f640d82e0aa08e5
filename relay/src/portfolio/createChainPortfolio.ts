import type { SignerSet } from '@xmargin/attestation'
import { type ChainClients, createChainClients, type LogEvent } from '@xmargin/chain'
import { type Deployment, loadDeployment } from '@xmargin/config'
import { collateralVaultAbi, riskGuardAbi } from '@xmargin/contracts'
import type { MarketState } from '@xmargin/margin'
import {
  buildMarginInput,
  createPortfolioSync,
  type PortfolioSync,
  type PortfolioUpdate,
} from '@xmargin/portfolio'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { type Address, getAbiItem, getAddress } from 'viem'
import type { RelaySettings } from '../config/relaySettings.js'
import {
  type AccountChainHoldings,
  type AssetRef,
  type ChainStatus,
  type InstrumentRef,
  type PermitUse,
  type PortfolioAccount,
  type PortfolioChange,
  type PortfolioMarket,
  type PortfolioSource,
  positionId,
} from './types.js'

const WAD = 1e18
const fromWad = (value: bigint) => Number(value) / WAD

/**
 * Adds to the shared account set every account that ever received a deposit: `Deposited` logs of each
 * chain's vault from its `deployBlock` (or the last block scanned before, kept in Redis) to the head. The
 * portfolio sync then snapshots them at its cursors' positions and follows new ones through events.
 */
async function discoverAccounts(
  deployment: Deployment,
  clients: ChainClients,
  redis: Redis,
  accountsKey: string,
) {
  await Promise.all(
    deployment.chains.map(async (chain) => {
      const vault = (chain.contracts as Record<string, Address | undefined>).collateralVault
      if (!vault) return
      const client = clients.get(chain.chainId).client
      const scannedKey = `${accountsKey}:scanned:${chain.chainId}`
      const scanned = await redis.get(scannedKey)
      const head = await client.getBlockNumber()
      let from =
        scanned === null ? BigInt((chain as { deployBlock?: number }).deployBlock ?? 0) : BigInt(scanned) + 1n
      const step = 50_000n
      while (from <= head) {
        const to = from + step - 1n < head ? from + step - 1n : head
        const logs = await client.getLogs({
          address: vault,
          event: DEPOSITED,
          fromBlock: from,
          toBlock: to,
        })
        const accounts = [...new Set(logs.map((log) => (log.args.account as Address).toLowerCase()))]
        if (accounts.length > 0) await redis.sadd(accountsKey, ...accounts)
        await redis.set(scannedKey, to.toString())
        from = to + 1n
      }
    }),
  )
}

const DEPOSITED = getAbiItem({ abi: collateralVaultAbi, name: 'Deposited' })

/**
 * The unified portfolio of the deployment's chains: `@xmargin/portfolio`'s sync (per-chain event
 * cursors persisted in Redis, block-pinned snapshots, reorg rebuilds) behind the relay's seam.
 *
 * Accounts are remembered in Redis (`{P:relay}:accounts`, shared by every node) and discovered from the
 * vaults' `Deposited` logs since each chain's `deployBlock`; at start the sync reads all of them at its
 * cursors' positions, and later ones join through events.
 *
 * @example const portfolio = createChainPortfolio({ settings, logger, registry, nodeId })
 */
/** A seize not finalised after this long (a lost reply, a reorged request) stops holding attestations. */
const SEIZE_PENDING_MAX_MS = 30_000

export function createChainPortfolio(parameters: {
  settings: RelaySettings
  nodeId: string
  logger: Logger
  registry: Registry
}): PortfolioSource {
  const { settings, nodeId, logger, registry } = parameters
  const accountsKey = `{${settings.redis.prefix}:relay}:accounts`
  const listeners = new Set<(change: PortfolioChange) => void>()
  const flags = new Map<string, bigint>()
  // Liquidations that asked other chains for collateral and are not finalised yet, per chain and account
  // (liquidationId → when seen): until they are, collateral taken elsewhere is in transit.
  const seizing = new Map<string, Map<string, number>>()
  const pendingSeizes = (key: string): number => {
    const pending = seizing.get(key)
    if (!pending) return 0
    const since = Date.now() - SEIZE_PENDING_MAX_MS
    let count = 0
    for (const seenAt of pending.values()) if (seenAt >= since) count++
    return count
  }
  const heads = new Map<number, bigint>()
  const errors = new Map<number, string>()
  let deployment: Deployment | undefined
  let clients: ChainClients | undefined
  let sync: PortfolioSync | undefined
  let redis: Redis | undefined
  let market: PortfolioMarket | undefined
  let headTimer: NodeJS.Timeout | undefined
  let started = false
  let exempt: Set<string> | undefined
  // The store's view of each account (holdings by chain), reused until an event touches the account:
  // a price move then rebuilds only the margin inputs, not 10 000 views. Anchors are the store's, per batch.
  type StoreView = ReturnType<PortfolioSync['store']['account']>
  const views = new Map<Address, StoreView>()
  let anchors: StoreView['anchors'] | undefined

  const buildMarket = (): PortfolioMarket => {
    const { market: state, structure } = sync!.riskMarket()
    const config = sync!.config
    const markets = sync!.store.markets()
    const chainIds = Object.keys(markets).map(Number)
    const home = config.homeChainId ?? Math.min(...chainIds)
    const instruments = new Map<string, InstrumentRef>()
    for (const [id, info] of structure.instruments)
      instruments.set(id, {
        chainId: info.chainId,
        instrumentId: info.instrumentId,
        kind: info.kind,
        underlying: info.symbol,
        ...(info.kind === 'option'
          ? { expiry: Number(info.expiry), strike: fromWad(info.strike), isCall: info.isCall }
          : {}),
      })
    const perpMarks = new Map<string, number>()
    const spots = new Map(state.units.map((unit) => [unit.underlying, unit.spot]))
    const assets: AssetRef[] = []
    for (const chainMarket of Object.values(markets)) {
      for (const info of chainMarket.instruments) {
        if (info.kind !== 'perp') continue
        // A perp is marked at its own chain's spot (as the margin input does), else the unit's.
        const quote = chainMarket.prices.get(info.underlying)?.price
        const spot = quote !== undefined ? fromWad(quote) : spots.get(info.symbol)
        if (spot !== undefined) perpMarks.set(positionId(chainMarket.chainId, info.instrumentId), spot)
      }
      for (const asset of chainMarket.assets) {
        const quote = asset.isSettlement ? undefined : chainMarket.prices.get(asset.priceKey)?.price
        const penalty =
          config.chainPenalties[String(chainMarket.chainId)] ??
          (chainMarket.chainId === home ? 0 : config.chainPenalty)
        assets.push({
          chainId: chainMarket.chainId,
          address: asset.address,
          symbol: asset.symbol,
          decimals: asset.decimals,
          isSettlement: asset.isSettlement,
          price: asset.isSettlement ? 1 : quote === undefined ? undefined : fromWad(quote),
          haircut: asset.isSettlement ? 0 : (config.haircuts[asset.symbol] ?? config.defaultHaircut),
          chainPenalty: asset.isSettlement ? 0 : penalty,
        })
      }
    }
    return {
      asOf: state.asOf,
      state: { asOf: state.asOf, units: state.units } satisfies MarketState,
      instruments,
      assets,
      perpMarks,
      eids: new Map(deployment!.chains.map((chain) => [chain.chainId, chain.lzEid])),
    }
  }

  const onUpdate = async (update: PortfolioUpdate) => {
    const { result, batch } = update
    const permitsUsed: PermitUse[] = []
    let signerSetRotated = false
    for (const event of batch.events as LogEvent[]) {
      if (event.kind === 'permitUsed')
        permitsUsed.push({
          chainId: event.chainId,
          account: getAddress(event.account),
          nonce: event.nonce,
          blockNumber: event.blockNumber,
        })
      else if (event.kind === 'flag') {
        const key = `${event.chainId}:${event.account.toLowerCase()}`
        if (event.flagged && event.flaggedAt !== undefined) flags.set(key, event.flaggedAt)
        else flags.delete(key)
      } else if (event.kind === 'liquidation' && event.requestedUsd > 0n) {
        const key = `${event.chainId}:${event.account.toLowerCase()}`
        const pending = seizing.get(key) ?? new Map<string, number>()
        pending.set(event.liquidationId.toLowerCase(), Date.now())
        seizing.set(key, pending)
      } else if (
        event.kind === 'liquidationStep' &&
        event.step === 'LiquidationFinalised' &&
        event.account !== undefined
      ) {
        const key = `${event.chainId}:${event.account.toLowerCase()}`
        seizing.get(key)?.delete(event.liquidationId.toLowerCase())
        if (seizing.get(key)?.size === 0) seizing.delete(key)
      } else if (event.kind === 'other' && event.eventName === 'SignerSetRotated') signerSetRotated = true
    }
    if (result.newAccounts.size > 0 && redis)
      await redis.sadd(accountsKey, ...[...result.newAccounts].map((a) => a.toLowerCase()))
    const marketChanged = result.priceMoves.size > 0 || result.marketChanged || update.rebuilt
    if (marketChanged) market = undefined
    // Views of accounts an event touched (or of every account after a rebuild) are read again.
    if (update.rebuilt) views.clear()
    for (const account of result.accounts) views.delete(account)
    for (const account of result.newAccounts) views.delete(account)
    anchors = undefined
    logger.debug(
      {
        chainId: update.chainId,
        toBlock: batch.toBlock.number.toString(),
        events: batch.events.length,
        accounts: result.accounts.size,
        affected: update.affected.size,
        marketChanged,
      },
      'portfolio batch applied',
    )
    if (!started) return
    const change: PortfolioChange = {
      accounts: result.accounts,
      affected: update.affected,
      marketChanged,
      permitsUsed,
      signerSetRotated,
      observedAtMs: performance.now(),
    }
    for (const listener of listeners) listener(change)
  }

  return {
    async start() {
      deployment = await loadDeployment(settings.deployment)
      clients = createChainClients({ deployment, registry })
      redis = new Redis(settings.redis.url, { maxRetriesPerRequest: 2, lazyConnect: true })
      redis.on('error', (error: Error) => logger.warn({ err: error }, 'portfolio redis connection error'))
      await redis.connect()
      await discoverAccounts(deployment, clients, redis, accountsKey)
      const known = (await redis.smembers(accountsKey)).map((a) => getAddress(a))
      sync = createPortfolioSync({
        clients,
        redis,
        keyPrefix: `${settings.redis.prefix}:relay:${nodeId}`,
        accounts: known,
        config: {
          homeChainId: settings.portfolio.homeChainId,
          haircuts: settings.portfolio.haircuts,
          defaultHaircut: settings.portfolio.defaultHaircut,
          chainPenalty: settings.portfolio.chainPenalty,
          chainPenalties: settings.portfolio.chainPenalties,
        },
        cursor: { pollIntervalMs: settings.portfolio.pollIntervalMs },
        registry,
        onUpdate,
        onError: (error) => logger.warn({ err: error }, 'chain cursor error'),
      })
      // Catch up once (a first start back-fills from the deploy blocks) before answering as ready.
      await sync.syncOnce()
      await sync.start()
      const pollHeads = async () => {
        for (const chainId of clients!.chainIds) {
          try {
            heads.set(chainId, await clients!.get(chainId).client.getBlockNumber())
            errors.delete(chainId)
          } catch (error) {
            errors.set(chainId, error instanceof Error ? error.message.split('\n')[0]! : String(error))
          }
        }
      }
      await pollHeads()
      headTimer = setInterval(() => void pollHeads(), 1_000)
      started = true
      logger.info({ accounts: sync.store.accounts().length, chains: clients.chainIds }, 'portfolio loaded')
    },
    async stop() {
      started = false
      clearInterval(headTimer)
      await sync?.stop()
      clients?.close()
      await redis?.quit().catch(() => redis?.disconnect())
    },
    status() {
      const stale = new Set(sync?.store.staleChains() ?? [])
      const anchors = new Map((sync?.store.anchors() ?? []).map((a) => [a.chainId, a.blockNumber]))
      const chains: ChainStatus[] = (clients?.chainIds ?? []).map((chainId) => {
        const blockNumber = anchors.get(chainId)
        const head = heads.get(chainId)
        return {
          chainId,
          blockNumber,
          // Behind the newest block this node may process (head − the chain's confirmations).
          lagBlocks:
            blockNumber !== undefined && head !== undefined
              ? Math.max(0, Number(head - blockNumber) - clients!.get(chainId).config.confirmations)
              : undefined,
          stale: stale.has(chainId),
          error: errors.get(chainId),
        }
      })
      return { ready: started && (sync?.store.isReady() ?? false), chains }
    },
    anchors: () => sync?.store.anchors() ?? [],
    market() {
      market ??= buildMarket()
      return market
    },
    accounts: () => sync?.store.accounts() ?? [],
    account(account) {
      if (!sync) return undefined
      // Accounts come from the store, checksummed: checksumming 10 000 addresses again would cost a keccak
      // each once viem's 8 192-entry cache overflows.
      const address = account
      let cached = views.get(address)
      if (!cached) {
        cached = sync.store.account(address)
        views.set(address, cached)
      }
      anchors ??= sync.store.account(address).anchors
      const view: StoreView = { ...cached, anchors }
      let input: PortfolioAccount['input']
      try {
        input = buildMarginInput({
          portfolio: view,
          markets: sync.store.markets(),
          config: sync.config,
          asOf: this.market().asOf,
        }).input
      } catch (error) {
        logger.warn({ err: error, account: address }, 'no margin input for an account')
        return undefined
      }
      const chains: AccountChainHoldings[] = Object.values(view.chains).map((chain) => ({
        chainId: chain.chainId,
        balances: chain.balances,
        positions: new Map([...chain.positions].map(([id, position]) => [id, position.size])),
        flaggedAt: flags.get(`${chain.chainId}:${address.toLowerCase()}`),
        pendingSeizes: pendingSeizes(`${chain.chainId}:${address.toLowerCase()}`),
      }))
      return { account: address, anchors: view.anchors, input, chains }
    },
    exempt() {
      if (!exempt) {
        exempt = new Set<string>()
        for (const chain of deployment?.chains ?? []) {
          const backstop = (chain as { roles?: { backstop?: string } }).roles?.backstop
          if (backstop) exempt.add(backstop.toLowerCase())
          const book = (chain.contracts as Record<string, string | undefined>).positionBook
          if (book) exempt.add(book.toLowerCase())
        }
      }
      return exempt
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async signerSet(): Promise<SignerSet> {
      const chain = deployment?.chains[0]
      const riskGuard = (chain?.contracts as Record<string, Address | undefined> | undefined)?.riskGuard
      if (!chain || !riskGuard || !clients) throw new Error('no RiskGuard to read the signer set from')
      const client = clients.get(chain.chainId).client
      const epoch = await client.readContract({
        address: riskGuard,
        abi: riskGuardAbi,
        functionName: 'currentEpoch',
      })
      const [signers, threshold] = await client.readContract({
        address: riskGuard,
        abi: riskGuardAbi,
        functionName: 'signerSet',
        args: [epoch],
      })
      return {
        epoch: BigInt(epoch),
        signers: signers.map((s) => getAddress(s)),
        threshold: Number(threshold),
      }
    },
  }
}
