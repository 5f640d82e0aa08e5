import {
  createQuorum,
  type Quorum,
  type SignerSet,
  type XmarginDomain,
  xmarginDomain,
} from '@xmargin/attestation'
import { loadDeployment } from '@xmargin/config'
import { createJobQueue, type JobQueue } from '@xmargin/queue'
import type { AttestationRef, HealthEvent } from '@xmargin/sdk'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { type Logger, pino } from 'pino'
import { Registry } from 'prom-client'
import { type Address, getAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { createApi } from './api/createApi.js'
import { createSseHub } from './api/createSseHub.js'
import { createAttestationStore } from './attest/createAttestationStore.js'
import { type Attestor, createAttestor } from './attest/createAttestor.js'
import { createCosigner } from './attest/createCosigner.js'
import type { RelaySettings } from './config/relaySettings.js'
import { relayKeys } from './keys.js'
import { createRelayMetrics } from './metrics/createRelayMetrics.js'
import { createLeaderLease, type LeaderLease } from './node/createLeaderLease.js'
import { createNodeRegistry } from './node/createNodeRegistry.js'
import { readiness } from './node/readiness.js'
import { createPermitService, type PermitService } from './permits/createPermitService.js'
import { createChainPortfolio } from './portfolio/createChainPortfolio.js'
import type { PortfolioSource } from './portfolio/types.js'
import { createRiskBook, type RiskBook, type RiskUpdate } from './risk/createRiskBook.js'
import { BAND_ORDER } from './risk/healthBand.js'
import { anchorViews, chainViews, healthView } from './risk/healthView.js'
import { simulate } from './risk/simulate.js'

export type CreateRelayParameters = {
  settings: RelaySettings
  /** The unified portfolio; default: the chains of `settings.deployment`. */
  portfolio?: PortfolioSource | undefined
  /** EIP-712 domain (RiskGuard) per chain; default: from the deployment file. */
  domains?: ReadonlyMap<number, XmarginDomain> | undefined
  logger?: Logger | undefined
  registry?: Registry | undefined
}

/** A relay node. */
export type Relay = {
  readonly nodeId: string
  readonly signer: Address
  /** Loads the portfolio, joins the quorum and the lease, serves the API. */
  start(): Promise<void>
  /** Readiness 503, stop proposing and signing, close HTTP (SSE within `api.closeTimeoutMs`), close connections. */
  stop(): Promise<void>
  /** The API's base URL once started. */
  url(): string
  readonly book: RiskBook
  readonly permits: PermitService
  readonly lease: LeaderLease
  /** Resolves once no recomputation or attestation round is pending. */
  idle(): Promise<void>
}

/**
 * Wires one relay node (DESIGN §4, §6): portfolio → risk book → attestor (leader) and cosigner (every
 * node) over the Redis quorum → keeper queues, the permit service, the API, liveness and readiness.
 *
 * @example
 * const relay = createRelay({ settings: await loadRelaySettings({ file: 'relay.json' }) })
 * await relay.start()
 */
export function createRelay(parameters: CreateRelayParameters): Relay {
  const { settings } = parameters
  if (!settings.signer) throw new Error('createRelay: settings.signer.key is required (XMARGIN_SIGNER_KEY)')
  const signer = privateKeyToAccount(settings.signer.key as `0x${string}`)
  const nodeId = settings.node.id ?? `relay-${signer.address.slice(2, 10).toLowerCase()}`
  const logger = (parameters.logger ?? pino({ level: settings.log.level })).child({
    service: 'relay',
    node: nodeId,
  })
  const registry = parameters.registry ?? new Registry()
  const metrics = createRelayMetrics(registry)
  const keys = relayKeys(settings.redis.prefix)
  const bands = settings.bands

  let phase: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' = 'idle'
  let redis: Redis | undefined
  let queueRedis: Redis | undefined
  let quorum: Quorum | undefined
  let app: FastifyInstance | undefined
  let baseUrl = ''
  let signerSet: SignerSet | undefined
  let domains = parameters.domains
  const queues: JobQueue<'postAttestation' | 'liquidate'>[] = []
  const postQueues = new Map<number, JobQueue<'postAttestation'>>()
  const liquidateQueues = new Map<number, JobQueue<'liquidate'>>()
  const bandCounts = new Map<string, number>()
  const healthCache = new Map<Address, { version: number; refs: readonly AttestationRef[]; json: string }>()
  const hub = createSseHub({ historySize: settings.api.sseHistory, heartbeatMs: settings.api.sseHeartbeatMs })

  const portfolio = parameters.portfolio ?? createChainPortfolio({ settings, nodeId, logger, registry })

  let attestor: Attestor | undefined
  const onUpdates = (updates: readonly RiskUpdate[]) => {
    for (const { risk, previous } of updates) {
      if (previous) bandCounts.set(previous.band, (bandCounts.get(previous.band) ?? 1) - 1)
      bandCounts.set(risk.band, (bandCounts.get(risk.band) ?? 0) + 1)
      if (!previous) continue
      const bandChanged = previous.band !== risk.band
      const moved =
        previous.result.equity !== risk.result.equity ||
        previous.result.initialMargin !== risk.result.initialMargin ||
        previous.result.maintenanceMargin !== risk.result.maintenanceMargin
      if (!bandChanged && !moved) continue
      const event: HealthEvent = {
        type: bandChanged ? 'band' : 'health',
        account: risk.account,
        band: risk.band,
        previousBand: bandChanged ? previous.band : null,
        health: risk.health,
        equity: risk.result.equity,
        initialMargin: risk.result.initialMargin,
        maintenanceMargin: risk.result.maintenanceMargin,
        mmSurplus: risk.result.mmSurplus,
        asOf: risk.portfolio.input.asOf,
        anchorsDigest: risk.anchorsDigest,
      }
      hub.publish(event)
    }
    for (const band of BAND_ORDER) metrics.accountsByBand.set({ band }, bandCounts.get(band) ?? 0)
    attestor?.onRiskUpdates(updates)
  }
  const book = createRiskBook({
    source: portfolio,
    params: settings.margin,
    bands,
    coalesceMs: settings.portfolio.coalesceMs,
    // Attestations of the accounts near a threshold go before recomputing the safe ones.
    yieldWhile: () => attestor?.busy() ?? false,
    onUpdates,
    logger,
  })

  // Redis-backed parts are created in start(); these wrappers let the returned object exist before.
  let permitService: PermitService | undefined
  let leaseRef: LeaderLease | undefined
  const currentSignerSet = (): SignerSet => {
    if (!signerSet) throw new Error('signer set not loaded')
    return signerSet
  }

  const metricsText = async () => {
    // Queue depths are read at scrape time (one Redis round trip per queue).
    await Promise.all(
      queues.map(async (queue) => {
        const counts = await queue.jobCounts().catch(() => undefined)
        for (const [state, count] of Object.entries(counts ?? {}))
          metrics.queueJobs.set({ queue: queue.ref.name, state }, count)
      }),
    )
    return { contentType: registry.contentType, text: await registry.metrics() }
  }

  const relay: Relay = {
    nodeId,
    signer: signer.address,
    book,
    get permits() {
      if (!permitService) throw new Error('relay not started')
      return permitService
    },
    get lease() {
      if (!leaseRef) throw new Error('relay not started')
      return leaseRef
    },
    url: () => baseUrl,
    async idle() {
      await book.idle()
      await attestor?.idle()
    },

    async start() {
      if (phase !== 'idle') throw new Error(`relay cannot start: it is ${phase}`)
      phase = 'starting'
      logger.info({ signer: signer.address }, 'relay node starting')
      redis = new Redis(settings.redis.url, { maxRetriesPerRequest: 2, lazyConnect: true })
      queueRedis = new Redis(settings.redis.url, { maxRetriesPerRequest: null, lazyConnect: true })
      for (const connection of [redis, queueRedis])
        connection.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'))
      await Promise.all([redis.connect(), queueRedis.connect()])

      if (!domains) {
        const deployment = await loadDeployment(settings.deployment)
        domains = new Map(
          deployment.chains.flatMap((chain) => {
            const riskGuard = (chain.contracts as Record<string, Address | undefined>).riskGuard
            return riskGuard
              ? [[chain.chainId, xmarginDomain({ chainId: chain.chainId, riskGuard })] as const]
              : []
          }),
        )
      }
      for (const chainId of domains.keys()) {
        const post = createJobQueue({
          kind: 'postAttestation',
          chainId,
          connection: queueRedis,
          basePrefix: settings.redis.prefix,
        })
        const liquidate = createJobQueue({
          kind: 'liquidate',
          chainId,
          connection: queueRedis,
          basePrefix: settings.redis.prefix,
        })
        postQueues.set(chainId, post)
        liquidateQueues.set(chainId, liquidate)
        queues.push(post, liquidate)
      }

      await portfolio.start()
      const loadedSet: SignerSet = settings.signerSet
        ? {
            epoch: BigInt(settings.signerSet.epoch),
            signers: settings.signerSet.signers.map((s) => getAddress(s)),
            threshold: settings.signerSet.threshold,
          }
        : await (portfolio.signerSet?.() ?? Promise.reject(new Error('no signer set: configure signerSet')))
      signerSet = loadedSet
      if (!loadedSet.signers.some((s) => s.toLowerCase() === signer.address.toLowerCase()))
        logger.warn(
          { signer: signer.address, epoch: loadedSet.epoch.toString() },
          'this node is not in the signer set: its signatures will not count',
        )

      quorum = createQuorum({
        redis,
        prefix: settings.redis.prefix,
        ttlMs: Math.max(120_000, settings.attestation.lifetimeS * 1_000),
      })
      const store = createAttestationStore({ redis, keys, logger })
      const lease = createLeaderLease({
        redis,
        leaseKey: keys.leader,
        fenceKey: keys.fence,
        nodeId,
        leaseMs: settings.node.leaderLeaseMs,
        logger,
        onChange: (leader) => {
          metrics.leader.set(leader ? 1 : 0)
          attestor?.onLeadership(leader)
        },
      })
      leaseRef = lease
      const permits = createPermitService({
        redis,
        keys,
        quorum,
        signer,
        nodeId,
        book,
        source: portfolio,
        signerSet: currentSignerSet,
        domains,
        params: settings.margin,
        settings,
        metrics,
        logger,
      })
      permitService = permits
      const cosigner = createCosigner({
        quorum,
        signer,
        nodeId,
        lease,
        book,
        source: portfolio,
        signerSet: currentSignerSet,
        domains,
        checkPermit: (request, context) => permits.check(request, context),
        settings: settings.attestation,
        metrics,
        logger,
      })
      attestor = createAttestor({
        redis,
        keys,
        quorum,
        signer,
        nodeId,
        lease,
        book,
        signerSet: currentSignerSet,
        domains,
        exempt: portfolio.exempt,
        jobs: {
          postAttestation: (data) => postQueues.get(data.chainId)!.add(data),
          liquidate: (data) => liquidateQueues.get(data.chainId)!.add(data),
        },
        store,
        settings,
        metrics,
        logger,
      })
      const nodes = createNodeRegistry({
        redis,
        nodesKey: keys.nodes,
        nodeKey: keys.node,
        nodeId,
        signer: signer.address,
        heartbeatMs: settings.node.heartbeatMs,
        livenessTtlMs: settings.node.livenessTtlMs,
        logger,
      })

      const unsubscribe = portfolio.subscribe((change) => {
        if (change.permitsUsed.length > 0)
          void permits
            .onPermitsUsed(change.permitsUsed)
            .catch((error: unknown) => logger.error({ err: error }, 'could not release used permits'))
        if (change.signerSetRotated && !settings.signerSet && portfolio.signerSet)
          void portfolio.signerSet().then(
            (set) => {
              signerSet = set
              logger.info({ epoch: set.epoch.toString() }, 'signer set rotated')
            },
            (error: unknown) => logger.error({ err: error }, 'could not read the rotated signer set'),
          )
      })

      await book.start()
      await store.start((account) => healthCache.delete(account))
      await nodes.start()
      cosigner.start()
      permits.start()
      attestor.start()
      lease.start()

      const readinessNow = () => {
        const set = signerSet!
        const members = new Set(set.signers.map((s) => s.toLowerCase()))
        const alive = new Set(
          nodes
            .alive()
            .map((node) => node.signer.toLowerCase())
            .filter((s) => members.has(s)),
        )
        const state = readiness({
          phase:
            phase === 'running'
              ? 'running'
              : phase === 'starting' || phase === 'idle'
                ? 'starting'
                : 'stopping',
          nodeId,
          signer: signer.address,
          leader: lease.isLeader(),
          redisOk: Date.now() - nodes.lastHeartbeatMs() < settings.node.livenessTtlMs,
          portfolio: portfolio.status(),
          aliveSigners: alive.size,
          threshold: set.threshold,
          totalSigners: set.signers.length,
          epoch: set.epoch,
          maxLagBlocks: settings.portfolio.maxLagBlocks,
        })
        metrics.signersAlive.set(alive.size)
        metrics.readiness.set(state.code === 200 ? 2 : state.code === 206 ? 1 : 0)
        return state
      }

      const resolvedParams = (underlying: string) => book.resolvedParams(underlying)
      const healthJson = (account: Address): string | Promise<string | undefined> | undefined => {
        const risk = book.get(account)
        if (!risk) return undefined
        const refs = store.latest(account)
        if (refs === undefined) return store.loadLatest(account).then(() => healthJson(account))
        const hit = healthCache.get(account)
        if (hit && hit.version === risk.version && hit.refs === refs) return hit.json
        const json = JSON.stringify(
          healthView(risk, { paramsHash: book.paramsHash, resolvedParams, attestations: refs }),
        )
        healthCache.set(account, { version: risk.version, refs, json })
        return json
      }

      app = await createApi({
        logger,
        bodyLimit: settings.api.bodyLimit,
        handlers: {
          nodeId,
          healthJson,
          portfolio: (account) => {
            const risk = book.get(account)
            if (!risk) return undefined
            return {
              account: risk.account,
              asOf: risk.portfolio.input.asOf,
              anchors: anchorViews(risk),
              anchorsDigest: risk.anchorsDigest,
              paramsHash: book.paramsHash,
              chains: chainViews(risk),
              input: { ...risk.portfolio.input, ...(settings.margin ? { params: settings.margin } : {}) },
            }
          },
          simulate: (body) => simulate(body, { book, bands, params: settings.margin }),
          requestPermit: (body) => permits.request(body),
          permit: (account, nonce) => permits.lookup(account, nonce),
          attestation: (account, sequence) => store.round(account, sequence),
          attestationByDigest: (digest) => store.byDigest(digest),
          readiness: readinessNow,
          metrics: metricsText,
          hub,
        },
      })
      await app.listen({ host: settings.http.host, port: settings.http.port })
      const address = app.server.address()
      const port = typeof address === 'object' && address ? address.port : settings.http.port
      baseUrl = `http://${settings.http.host.includes(':') ? `[${settings.http.host}]` : settings.http.host}:${port}`
      phase = 'running'
      logger.info({ url: baseUrl, leader: lease.isLeader() }, 'relay node running')

      stopSequence = async () => {
        // Readiness answers 503 from here on (phase), so balancers stop routing to this node.
        await lease.stop()
        await attestor?.stop()
        await cosigner.stop()
        await permits.stop()
        await hub.close(settings.api.closeTimeoutMs)
        await Promise.race([
          app?.close(),
          new Promise((resolve) => setTimeout(resolve, settings.api.closeTimeoutMs)),
        ])
        await nodes.stop()
        unsubscribe()
        await book.stop()
        await portfolio.stop()
        await store.stop()
        await quorum?.close()
        await Promise.all(queues.map((queue) => queue.close()))
        await Promise.all([
          redis?.quit().catch(() => redis?.disconnect()),
          queueRedis?.quit().catch(() => queueRedis?.disconnect()),
        ])
      }
    },

    async stop() {
      if (phase === 'stopped' || phase === 'stopping') return
      const wasRunning = phase === 'running'
      phase = 'stopping'
      logger.info('relay node stopping')
      if (wasRunning && stopSequence) await stopSequence()
      else {
        await portfolio.stop().catch(() => {})
        redis?.disconnect()
        queueRedis?.disconnect()
      }
      phase = 'stopped'
      logger.info('relay node stopped')
    },
  }
  let stopSequence: (() => Promise<void>) | undefined
  return relay
}
