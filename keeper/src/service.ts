import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { type ChainClients, createChainClients } from '@xmargin/chain'
import { ConfigError, type Deployment, loadDeployment } from '@xmargin/config'
import {
  createJobQueue,
  createWorker,
  type JobKind,
  type JobOutcome,
  type JobQueue,
  type JobWorker,
} from '@xmargin/queue'
import { createTxEngine, type TxEngine, type TxEvent } from '@xmargin/tx'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { type Logger, pino } from 'pino'
import { Registry } from 'prom-client'
import type { Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { KeeperSettings } from './config/keeperSettings.js'
import { createLimiter } from './handlers/createLimiter.js'
import { createPacer } from './handlers/createPacer.js'
import { deliverPacket } from './handlers/deliverPacket.js'
import { liquidate } from './handlers/liquidate.js'
import { postAttestation } from './handlers/postAttestation.js'
import { createKeeperHttp, type Readiness, type ReadinessCheck, readinessOf } from './http.js'
import { createPacketWatcher, type PacketWatcher } from './ingest/createPacketWatcher.js'
import { type KeeperChain, keeperContracts } from './keeperChain.js'
import { createKeeperMetrics, type KeeperMetrics } from './metrics.js'

export type CreateKeeperParameters = {
  settings: KeeperSettings
  /** Default: read from `settings.deployment`. */
  deployment?: Deployment | undefined
  logger?: Logger | undefined
  registry?: Registry | undefined
}

/** A keeper process: workers, transaction engines, PacketSent watchers, HTTP. */
export type Keeper = {
  readonly holderId: string
  /** Loads the deployment, takes signer leases, starts workers, watchers and HTTP. */
  start(): Promise<void>
  /** Readiness 503, watchers off, workers closed (running jobs finish or are left to others), engines stopped, connections closed. */
  stop(): Promise<void>
  /** Base URL of the HTTP server once started. */
  url(): string
  readiness(): Promise<Readiness>
  /** Chains of the deployment as the keeper sees them (after start). */
  chains(): readonly KeeperChain[]
  readonly metrics: KeeperMetrics
}

/** Events worth a line at info level; the rest go to debug. */
const NOTABLE_TX_EVENTS = new Set([
  'leaseAcquired',
  'leaseLost',
  'recovered',
  'broadcast',
  'rebroadcast',
  'replaced',
  'cancelling',
  'cancelled',
  'dropped',
  'gapFilled',
  'sendFailed',
  'error',
])

/**
 * Wires one keeper process (DESIGN §5): per served chain a transaction engine over the signer pool (and one
 * over the LayerZero relayer key), BullMQ workers for attestation posts, liquidations and packet
 * deliveries, PacketSent watchers (one leader per source chain across processes), metrics and HTTP. Any
 * number of keeper processes share one Redis: signer leases split the signers, job ids dedupe the work.
 * A process whose chain's signers are all held elsewhere pauses that chain's workers (standby).
 *
 * @example
 * const keeper = createKeeper({ settings: await loadKeeperSettings({ file: 'keeper.json' }) })
 * await keeper.start()
 * process.once('SIGTERM', () => keeper.stop())
 */
export function createKeeper(parameters: CreateKeeperParameters): Keeper {
  const { settings } = parameters
  const holderId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`
  const logger = (parameters.logger ?? pino({ level: settings.log.level })).child({
    service: 'keeper',
    holderId,
  })
  const registry = parameters.registry ?? new Registry()
  const prefix = settings.redis.prefix
  const signerKeys = settings.keys.signers ?? []
  const signers = signerKeys.map((key) => privateKeyToAccount(key as `0x${string}`))
  const relayer = settings.keys.lzRelayer
    ? privateKeyToAccount(settings.keys.lzRelayer as `0x${string}`)
    : undefined

  let chains: KeeperChain[] = []
  let clients: ChainClients | undefined
  let redis: Redis | undefined
  const engines: Array<{ chain: KeeperChain; engine: TxEngine; kind: 'main' | 'lz' }> = []
  const workers: Array<{ worker: JobWorker; needs: () => TxEngine | undefined; paused: boolean }> = []
  const queues = new Map<string, JobQueue<JobKind>>()
  const watchers: PacketWatcher[] = []
  let http: FastifyInstance | undefined
  let gate: NodeJS.Timeout | undefined
  let started = false
  let stopping = false
  let baseUrl = ''
  let balances:
    | { at: number; samples: Promise<Array<{ chain: string; signer: string; wei: bigint }>> }
    | undefined

  const metrics = createKeeperMetrics(registry, {
    async jobCounts() {
      const samples: Array<{ queue: string; state: string; count: number }> = []
      for (const queue of queues.values())
        for (const [state, count] of Object.entries(await queue.jobCounts()))
          samples.push({ queue: queue.ref.name, state, count })
      return samples
    },
    pending() {
      return engines.flatMap(({ chain, engine }) =>
        engine.metrics().signers.map((signer) => ({
          chain: String(chain.chainId),
          signer: signer.signer,
          pending: signer.pending,
          oldestPendingMs: signer.oldestPendingMs,
        })),
      )
    },
    balances() {
      if (!balances || Date.now() - balances.at > settings.metrics.balancePollMs)
        balances = { at: Date.now(), samples: readBalances() }
      return balances.samples
    },
  })

  const queueFor = <kind extends JobKind>(kind: kind, chainId: number): JobQueue<kind> => {
    const key = `${kind}-${chainId}`
    let queue = queues.get(key)
    if (!queue) {
      queue = createJobQueue({ kind, chainId, connection: redis!, basePrefix: prefix }) as JobQueue<JobKind>
      queues.set(key, queue)
    }
    return queue as unknown as JobQueue<kind>
  }

  async function readBalances() {
    const samples: Array<{ chain: string; signer: string; wei: bigint }> = []
    for (const chain of chains.filter((c) => c.served)) {
      const addresses: Address[] = [
        ...signers.map((s) => s.address),
        ...(relayer && chain.lzEngine ? [relayer.address] : []),
      ]
      for (const address of addresses) {
        const wei = await chain.client.getBalance({ address }).catch(() => undefined)
        if (wei !== undefined) samples.push({ chain: String(chain.chainId), signer: address, wei })
      }
    }
    return samples
  }

  const onTxEvent = (event: TxEvent) => {
    const chain = String(event.chainId)
    metrics.txEvents.inc({ chain, type: event.type })
    if (event.type === 'replaced') metrics.txReplaced.inc({ chain })
    if (event.type === 'cancelled') metrics.txCancelled.inc({ chain })
    if (event.type === 'gapFilled') metrics.nonceGaps.inc({ chain })
    const line = {
      chainId: event.chainId,
      signer: event.signer,
      nonce: event.nonce,
      txHash: event.hash,
      jobId: event.intentId,
      fence: event.fence,
      detail: event.detail,
    }
    if (event.type === 'error' || event.type === 'leaseLost' || event.type === 'sendFailed')
      logger.warn(line, `tx ${event.type}`)
    else if (NOTABLE_TX_EVENTS.has(event.type)) logger.info(line, `tx ${event.type}`)
    else logger.debug(line, `tx ${event.type}`)
  }

  const onOutcome = (outcome: JobOutcome) => {
    metrics.jobRuns.inc({ queue: outcome.queue, outcome: outcome.outcome })
    const line = {
      chainId: outcome.chainId,
      jobId: outcome.jobId,
      queue: outcome.queue,
      attempt: outcome.attempt,
      durationMs: outcome.durationMs,
      reason: outcome.reason,
    }
    if (outcome.outcome === 'failed') logger.error(line, 'job failed for good (dead letter)')
    else if (outcome.outcome === 'retrying' || outcome.outcome === 'stalled')
      logger.warn(line, `job ${outcome.outcome}`)
    else logger.debug(line, `job ${outcome.outcome}`)
  }

  /** Pauses the workers of a chain whose signers another process holds; resumes them once held here. */
  const gateWorkers = () => {
    for (const entry of workers) {
      const holds = (entry.needs()?.heldSigners().length ?? 0) > 0
      if (holds && entry.paused) {
        entry.paused = false
        entry.worker.worker.resume()
        logger.info({ queue: entry.worker.ref.name }, 'worker active (signer held)')
      } else if (!holds && !entry.paused) {
        entry.paused = true
        void entry.worker.worker.pause(true)
        logger.info({ queue: entry.worker.ref.name }, 'worker on standby (no signer held here)')
      }
    }
  }

  async function start(): Promise<void> {
    const deployment = parameters.deployment ?? (await loadDeployment(settings.deployment))
    const known = new Set(deployment.chains.map((chain) => chain.chainId))
    for (const [index, chainId] of (settings.chains ?? []).entries())
      if (!known.has(chainId))
        throw new ConfigError(
          `Invalid settings: chains[${index}]: chain ${chainId} is not in the deployment ${settings.deployment}`,
          { details: `The deployment has chains ${[...known].join(', ')}.` },
        )
    const served = new Set(settings.chains ?? [...known])
    clients = createChainClients({ deployment, policy: settings.rpc, registry })
    // Auto-pipelining: the engines' many small commands of one tick go out in one write (profiled: the
    // per-command socket writes were the keeper's largest CPU cost under a burst of liquidations).
    redis = new Redis(settings.redis.url, { maxRetriesPerRequest: null, enableAutoPipelining: true })
    redis.on('error', (error) => logger.warn({ err: error }, 'redis error'))
    chains = deployment.chains.map((config) => {
      const settlement = config.settlementToken ? config.tokens[config.settlementToken] : undefined
      return {
        chainId: config.chainId,
        name: config.name,
        eid: config.lzEid,
        confirmations: config.confirmations,
        deployBlock: config.deployBlock,
        settlementDecimals: settlement?.decimals ?? 6,
        client: clients!.get(config.chainId).client,
        contracts: keeperContracts(config),
        served: served.has(config.chainId),
        engine: undefined,
        lzEngine: undefined,
      }
    })
    const lzOn = settings.lz.enabled && relayer !== undefined
    if (settings.lz.enabled && !relayer)
      logger.warn('XMARGIN_LZ_RELAYER_KEY is not set: this keeper delivers no LayerZero packets')

    for (const chain of chains.filter((c) => c.served)) {
      chain.engine = createTxEngine({
        chainId: chain.chainId,
        client: chain.client,
        signers,
        redis,
        prefix,
        policy: settings.tx,
        holderId: `${holderId}-main`,
        onEvent: onTxEvent,
      })
      engines.push({ chain, engine: chain.engine, kind: 'main' })
      if (lzOn && chain.contracts.lzEndpoint && chain.contracts.lzMessageLib) {
        chain.lzEngine = createTxEngine({
          chainId: chain.chainId,
          client: chain.client,
          signers: [relayer],
          redis,
          prefix,
          policy: { ...settings.tx, leaseWaitMs: Math.min(settings.tx.leaseWaitMs, 2_000) },
          holderId: `${holderId}-lz`,
          onEvent: onTxEvent,
        })
        engines.push({ chain, engine: chain.lzEngine, kind: 'lz' })
      }
    }
    await Promise.all(engines.map(({ engine }) => engine.start()))

    const byChainId = new Map(chains.map((chain) => [chain.chainId, chain]))
    const chainIdByEid = new Map(chains.map((chain) => [chain.eid, chain.chainId]))
    const common = {
      connection: settings.redis.url,
      basePrefix: prefix,
      lockDurationMs: settings.workers.lockDurationMs,
      stalledIntervalMs: settings.workers.stalledIntervalMs,
      maxStalledCount: settings.workers.maxStalledCount,
      onOutcome,
      onError: (error: Error) => logger.warn({ err: error }, 'worker error'),
    }
    const liquidation = settings.liquidation
    for (const chain of chains.filter((c) => c.served)) {
      const fallbackSender = signers[0]!.address
      const pacer = createPacer(liquidation.sendsPerSecond)
      const prepare = createLimiter(liquidation.prepareConcurrency)
      const add = (worker: JobWorker, needs: () => TxEngine | undefined) => {
        workers.push({ worker, needs, paused: false })
        queueFor(worker.ref.kind as JobKind, chain.chainId)
      }
      add(
        createWorker({
          ...common,
          kind: 'postAttestation',
          chainId: chain.chainId,
          concurrency: settings.workers.postAttestationConcurrency,
          handler: (data, context) =>
            postAttestation(data, context, {
              chain,
              settings: {
                confirmations: liquidation.confirmations,
                waitTimeoutMs: liquidation.waitTimeoutMs,
              },
              metrics,
              logger,
            }),
        }),
        () => chain.engine,
      )
      add(
        createWorker({
          ...common,
          kind: 'liquidate',
          chainId: chain.chainId,
          concurrency: settings.workers.liquidateConcurrency,
          handler: (data, context) =>
            liquidate(data, context, {
              chain,
              remotes: chains.filter((other) => other.chainId !== chain.chainId),
              settings: liquidation,
              metrics,
              logger,
              fallbackSender,
              pacer,
              prepare,
            }),
        }),
        () => chain.engine,
      )
      if (chain.lzEngine)
        add(
          createWorker({
            ...common,
            kind: 'lzDeliver',
            chainId: chain.chainId,
            concurrency: settings.workers.lzDeliverConcurrency,
            handler: (data, context) => {
              const source = byChainId.get(data.srcChainId)
              if (!source)
                throw new ConfigError(`Packet from chain ${data.srcChainId}, which is not in the deployment`)
              return deliverPacket(data, context, {
                source,
                destination: chain,
                settings: {
                  executorOverheadGas: settings.lz.executorOverheadGas,
                  confirmations: settings.lz.confirmations,
                  waitTimeoutMs: liquidation.waitTimeoutMs,
                },
                metrics,
                logger,
              })
            },
          }),
          () => chain.lzEngine,
        )
    }
    await Promise.all(workers.map(({ worker }) => worker.waitUntilReady()))
    gateWorkers()
    gate = setInterval(gateWorkers, 1_000)

    if (lzOn && settings.lz.watch)
      for (const source of chains.filter((chain) => chain.contracts.lzEndpoint)) {
        const watcher = createPacketWatcher({
          source,
          chainIdOf: (eid) => chainIdByEid.get(eid),
          queueFor: (dstChainId) => queueFor('lzDeliver', dstChainId),
          redis,
          prefix,
          holderId,
          leaseTtlMs: settings.lz.leaseTtlMs,
          pollIntervalMs: settings.lz.pollIntervalMs,
          metrics,
          logger,
        })
        watchers.push(watcher)
        await watcher.start()
      }

    http = await createKeeperHttp({
      registry,
      readiness,
      dashboard:
        settings.dashboard.enabled && settings.dashboard.token
          ? {
              token: settings.dashboard.token,
              queues: () => [...queues.values()].map((queue) => queue.queue),
            }
          : undefined,
    })
    baseUrl = await http.listen({ host: settings.http.host, port: settings.http.port })
    started = true
    logger.info(
      {
        url: baseUrl,
        chains: chains.filter((c) => c.served).map((c) => c.chainId),
        signers: signers.map((s) => s.address),
        lzRelayer: lzOn ? relayer?.address : undefined,
        dashboard: settings.dashboard.enabled ? `${baseUrl}/admin/queues` : undefined,
      },
      'keeper started',
    )
  }

  async function readiness(): Promise<Readiness> {
    const checks: ReadinessCheck[] = [
      {
        name: 'state',
        state: started && !stopping ? 'ok' : 'failed',
        detail: stopping ? 'stopping' : started ? undefined : 'starting',
      },
    ]
    try {
      await redis?.ping()
      checks.push({ name: 'redis', state: redis ? 'ok' : 'failed' })
    } catch (error) {
      checks.push({ name: 'redis', state: 'failed', detail: (error as Error).message })
    }
    for (const { chain, engine, kind } of engines) {
      const held = engine.heldSigners().length
      checks.push({
        name: `chain:${chain.chainId}:${kind}`,
        // The LayerZero relayer key is held by one process at a time: the others stand by, which is fine.
        state: held > 0 || kind === 'lz' ? 'ok' : 'degraded',
        detail: held > 0 ? `${held} signer(s) held` : 'standby: another keeper holds the signers',
      })
    }
    for (const [index, watcher] of watchers.entries()) {
      const error = watcher.lastError()
      if (error)
        checks.push({ name: `watcher:${index}`, state: 'degraded', detail: (error as Error).message })
    }
    return readinessOf(checks)
  }

  let stopped: Promise<void> | undefined
  async function stop(): Promise<void> {
    stopping = true
    clearInterval(gate)
    await Promise.allSettled(watchers.map((watcher) => watcher.stop()))
    const closed = await Promise.allSettled(
      workers.map(({ worker }) => worker.close({ timeoutMs: settings.workers.closeTimeoutMs })),
    )
    const timedOut = closed.filter((result) => result.status === 'fulfilled' && result.value.timedOut).length
    if (timedOut)
      logger.warn({ workers: timedOut }, 'jobs still running at shutdown are left to another keeper')
    await Promise.allSettled(engines.map(({ engine }) => engine.stop()))
    await Promise.allSettled([...queues.values()].map((queue) => queue.close()))
    await http?.close()
    clients?.close()
    await redis?.quit().catch(() => redis?.disconnect())
    logger.info('keeper stopped')
  }

  return {
    holderId,
    start,
    stop: () => {
      stopped ??= stop()
      return stopped
    },
    url: () => baseUrl,
    readiness,
    chains: () => chains,
    metrics,
  }
}
