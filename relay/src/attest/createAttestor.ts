import {
  accountHealthWire,
  packSignatures,
  type Quorum,
  QuorumRefusedError,
  type SignerSet,
  toWire,
  type XmarginDomain,
  xmarginDigest,
} from '@xmargin/attestation'
import { type JobData, jobId } from '@xmargin/queue'
import type { AttestationRecord, Band } from '@xmargin/sdk'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { type Address, getAddress, type LocalAccount } from 'viem'
import type { RelaySettings } from '../config/relaySettings.js'
import type { RelayKeys } from '../keys.js'
import type { RelayMetrics } from '../metrics/createRelayMetrics.js'
import type { LeaderLease } from '../node/createLeaderLease.js'
import { nextCounter } from '../redis/nextCounter.js'
import type { AccountRisk, RiskBook, RiskUpdate } from '../risk/createRiskBook.js'
import { buildAccountHealth } from './buildAccountHealth.js'
import type { AttestationStore } from './createAttestationStore.js'
import { planCloses } from './planCloses.js'
import { seizeRoutes } from './seizeRoutes.js'

export type AttestationTrigger = 'liquidatable' | 'bandChange' | 'heartbeat'

/** The leader's last decision about an account, shared through Redis (`attested`) for failover. */
export type AttestationDecision = {
  band: Band
  trigger: AttestationTrigger
  sequence: string
  atMs: number
  /** `baseline`: the band first seen, never attested (band changes are measured from it). */
  state: 'baseline' | 'proposed' | 'queued' | 'failed'
  retryAtMs?: number | undefined
  /**
   * Spot per underlying and mark per perpetual the decision was made at (`spotsOf`): a liquidatable
   * account is re-attested when one moves by `refreshMove`.
   */
  spots?: Record<string, number> | undefined
  /** The account's holdings on every chain when decided (`holdingsOf`): a liquidatable account whose
   * holdings changed since (a liquidation, a seize, a trade) is attested again at once. */
  holdings?: string | undefined
}

/** A fingerprint of an account's positions and vault balances on every chain. */
export function holdingsOf(risk: AccountRisk): string {
  return risk.portfolio.chains
    .map(
      (chain) =>
        `${chain.chainId}:${[...chain.positions].map(([id, size]) => `${id}=${size}`).join(',')}/${[
          ...chain.balances,
        ]
          .map(([asset, amount]) => `${asset.toLowerCase()}=${amount}`)
          .join(',')}`,
    )
    .join(';')
}

/**
 * Spot per underlying of the account's XPM-1 input, and the mark of each of its perpetuals (`mark:<id>`):
 * a chain followed some confirmations behind reaches a move later than the others, and only its marks
 * show it.
 */
export function spotsOf(risk: AccountRisk): Record<string, number> {
  const spots: Record<string, number> = {}
  for (const unit of risk.portfolio.input.units) {
    spots[unit.underlying] = unit.spot
    for (const perp of unit.perps ?? []) if (perp.id !== undefined) spots[`mark:${perp.id}`] = perp.markPrice
  }
  return spots
}

/** True when any underlying moved by more than `fraction` since `spots` (a missing one counts as moved). */
export function spotsMoved(
  spots: Record<string, number> | undefined,
  now: Record<string, number>,
  fraction: number,
) {
  if (!spots) return true
  return Object.entries(now).some(([underlying, spot]) => {
    const then = spots[underlying]
    return then === undefined || Math.abs(spot - then) > fraction * then
  })
}

/** What a signer gets besides the message: the proposer, its fencing token and the anchors. */
export type HealthProposalContext = {
  kind: 'health'
  nodeId: string
  fence: string
  trigger: AttestationTrigger
  anchors: { chainId: number; blockNumber: string; blockHash: `0x${string}` }[]
}

/** Adds the keeper jobs (deterministic ids: adding twice is a no-op). */
export type AttestationJobs = {
  postAttestation(data: JobData<'postAttestation'>): Promise<{ id: string }>
  liquidate(data: JobData<'liquidate'>): Promise<{ id: string }>
}

export type Attestor = {
  start(): void
  stop(): Promise<void>
  /** Risk book chunks: decide which accounts need an attestation now. */
  onRiskUpdates(updates: readonly RiskUpdate[]): void
  /** Called when this node gains or loses the lease. */
  onLeadership(leader: boolean): void
  /** Resolves once no round is pending or in flight (tests, benchmarks). */
  idle(): Promise<void>
  /** Whether liquidation or band-change rounds are pending or in flight (heartbeats do not count). */
  busy(): boolean
}

export type CreateAttestorParameters = {
  redis: Redis
  keys: RelayKeys
  quorum: Quorum
  signer: LocalAccount
  nodeId: string
  lease: LeaderLease
  book: RiskBook
  signerSet: () => SignerSet
  domains: ReadonlyMap<number, XmarginDomain>
  /** Accounts never attested (lower-case). */
  exempt?: (() => ReadonlySet<string>) | undefined
  jobs: AttestationJobs
  store: AttestationStore
  settings: Pick<RelaySettings, 'attestation' | 'liquidation'>
  metrics: RelayMetrics
  logger: Logger
}

const PRIORITY: Record<AttestationTrigger, number> = { liquidatable: 0, bandChange: 1, heartbeat: 2 }
const RETRY_MS = 2_000
/**
 * After a round the other signers refused (they computed the account at other blocks, e.g. while a price
 * move lands on several chains), the first retry comes this soon, doubling per refusal up to RETRY_MS.
 */
const REFUSED_RETRY_MS = 100
const MAX_DEFER_MS = 250

/**
 * The leader's attestation pipeline: decide → propose → quorum → enqueue.
 *
 * Decisions compare each recomputed account with the last attestation decided for it (kept in Redis, so a
 * new leader continues where the old one stopped): a liquidatable account gets `liquidate` jobs on every
 * chain holding its positions (marks and `maxClose` from the plan) and again every
 * `refreshLiquidatableS`; a band change gets `postAttestation` jobs; accounts with positions get a
 * heartbeat every `heartbeatS`, at most `heartbeatsPerSecond`. Liquidations go first, then band changes,
 * riskiest first, then heartbeats, oldest first.
 *
 * A round: a sequence from the account's Redis counter, one `AccountHealth` per target chain, the round
 * stored as `proposed`, each proposed to the quorum with this node's fencing token, signed here, collected,
 * packed in ascending signer order and queued under its deterministic job id. A leader that dies
 * mid-round leaves the round `proposed`; its successor collects what was signed and queues it (the same
 * job ids), or retries with a new sequence.
 */
export function createAttestor(parameters: CreateAttestorParameters): Attestor {
  const { redis, keys, quorum, signer, nodeId, lease, book, domains, jobs, store, metrics, logger } =
    parameters
  const { attestation: settings, liquidation } = parameters.settings
  const decisions = new Map<string, AttestationDecision>()
  const pending = new Map<Address, AttestationTrigger>()
  const inFlight = new Map<Address, Promise<void>>()
  let leader = false
  /** Decisions loaded from Redis after taking the lease: only then are accounts considered. */
  let ready = false
  let loaded: Promise<void> | undefined
  let heartbeatTimer: NodeJS.Timeout | undefined
  let deferTimer: NodeJS.Timeout | undefined
  let urgentRounds = 0
  /** Consecutive failed rounds per account (backoff) and the timers that retry them. */
  const failures = new Map<Address, number>()
  const retryTimers = new Map<Address, NodeJS.Timeout>()
  let stopped = false
  let draining = false

  const key = (account: string) => account.toLowerCase()

  const saveDecision = async (account: Address, decision: AttestationDecision) => {
    decisions.set(key(account), decision)
    await redis.hset(keys.attested, key(account), JSON.stringify(decision))
  }

  // Baselines of accounts seen for the first time, written to Redis in one pipeline per drain.
  const baselines = new Map<string, AttestationDecision>()
  const flushBaselines = () => {
    if (baselines.size === 0) return
    const entries = [...baselines]
    baselines.clear()
    const multi = redis.multi()
    for (const [account, decision] of entries) multi.hsetnx(keys.attested, account, JSON.stringify(decision))
    multi
      .exec()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not store attestation baselines'))
  }

  const consider = (risk: AccountRisk) => {
    if (!leader || !ready || stopped) return
    const account = risk.account
    if (parameters.exempt?.().has(key(account))) return
    if (inFlight.has(account)) {
      // Decide again once the running round is over (with the figures current by then).
      const existing = pending.get(account)
      pending.set(account, existing ?? (risk.band === 'liquidatable' ? 'liquidatable' : 'bandChange'))
      return
    }
    const decision = decisions.get(key(account))
    const now = Date.now()
    if (decision?.state === 'failed') {
      if (now >= (decision.retryAtMs ?? 0))
        pending.set(account, risk.band === 'liquidatable' ? 'liquidatable' : decision.trigger)
      return
    }
    if (decision?.state === 'proposed') return
    if (!decision && risk.band !== 'liquidatable') {
      // First sight: remember the band; changes are measured from it (the heartbeat attests it).
      const baseline: AttestationDecision = {
        band: risk.band,
        trigger: 'heartbeat',
        sequence: '0',
        atMs: 0,
        state: 'baseline',
      }
      decisions.set(key(account), baseline)
      baselines.set(key(account), baseline)
      return
    }
    if (risk.band === 'liquidatable') {
      // Again after refreshLiquidatableS, or as soon as a spot moved by refreshMove: the Liquidator bounds
      // the attested marks by the oracle, so an attestation made before a move could no longer be used.
      // While a liquidation's cross-chain seize is in flight the account's view is not consistent (the
      // collateral left the other chain, its value has not arrived): nothing is attested until it is
      // finalised (the relay sees LiquidationFinalised), which re-runs this decision.
      const seizing = risk.portfolio.chains.some((chain) => (chain.pendingSeizes ?? 0) > 0)
      if (decision?.band !== 'liquidatable') pending.set(account, 'liquidatable')
      else if (
        !seizing &&
        (now - decision.atMs >= settings.refreshLiquidatableS * 1_000 ||
          spotsMoved(decision.spots, spotsOf(risk), settings.refreshMove) ||
          // Still liquidatable after its holdings changed (a partial liquidation, a seize): the last
          // attestation is stale on chain (its anchor predates the change), so attest the new state.
          (decision.holdings !== undefined && decision.holdings !== holdingsOf(risk)))
      )
        pending.set(account, 'liquidatable')
    } else if (decision && decision.band !== risk.band) {
      pending.set(account, 'bandChange')
    }
  }

  const healthOf = (account: Address) => book.get(account)?.health ?? Number.POSITIVE_INFINITY

  // Rounds wait while the book recomputes (a price move on three chains arrives as three passes): they
  // then attest the figures after the whole move, once, and do not slow the recomputation down. A round
  // waits at most MAX_DEFER_MS.
  let deferredSince: number | undefined
  const drain = () => {
    flushBaselines()
    if (draining || !leader || stopped) return
    if (book.busy() && pending.size > 0) {
      deferredSince ??= Date.now()
      if (Date.now() - deferredSince < MAX_DEFER_MS) {
        deferTimer ??= setTimeout(() => {
          deferTimer = undefined
          drain()
        }, MAX_DEFER_MS)
        return
      }
    }
    deferredSince = undefined
    draining = true
    try {
      const free = settings.concurrency - inFlight.size
      if (free <= 0 || pending.size === 0) return
      // Liquidations, then band changes, then heartbeats; the riskiest first within each.
      const order = [...pending]
        .filter(([account]) => !inFlight.has(account))
        .map(([account, trigger]) => ({
          account,
          trigger,
          priority: PRIORITY[trigger],
          health: healthOf(account),
        }))
        .sort((a, b) => a.priority - b.priority || a.health - b.health)
        .slice(0, free)
      for (const { account, trigger } of order) {
        pending.delete(account)
        const urgentRound = trigger !== 'heartbeat'
        if (urgentRound) urgentRounds++
        const run = round(account, trigger)
          .catch((error: unknown) => logger.error({ err: error, account }, 'attestation round failed'))
          .finally(() => {
            if (urgentRound) urgentRounds--
            inFlight.delete(account)
            const risk = book.get(account)
            if (risk && !pending.has(account)) consider(risk)
            drain()
          })
        inFlight.set(account, run)
      }
    } finally {
      draining = false
    }
  }

  async function round(account: Address, trigger: AttestationTrigger): Promise<void> {
    const risk = book.get(account)
    const fence = lease.fence()
    if (!risk || !leader || fence === undefined) return
    const liquidating = risk.band === 'liquidatable'
    const effective: AttestationTrigger = liquidating ? 'liquidatable' : trigger
    const nowMs = Date.now()
    const flaggedAt = risk.portfolio.chains
      .map((chain) => chain.flaggedAt)
      .filter((at): at is bigint => at !== undefined && at > 0n)
      .reduce<bigint | undefined>((first, at) => (first === undefined || at < first ? at : first), undefined)
    const plan = liquidating
      ? planCloses(risk, {
          secondsSinceFlagged: flaggedAt ? Math.max(0, nowMs / 1_000 - Number(flaggedAt)) : 0,
          lifetimeS: settings.lifetimeS,
          liquidation,
          params: book.params,
        })
      : undefined
    // A liquidation runs where the plan closes positions, or where cash is negative (the Liquidator then
    // seizes); other chains holding positions get the health as a plain attestation.
    const kindOf = (chainId: number): 'liquidate' | 'postAttestation' => {
      if (!liquidating) return 'postAttestation'
      if (plan?.byChain.has(chainId)) return 'liquidate'
      const chain = risk.portfolio.chains.find((c) => c.chainId === chainId)
      const negativeCash = [...(chain?.balances ?? [])].some(
        ([address, balance]) =>
          balance < 0n &&
          risk.market.assets.some(
            (a) =>
              a.chainId === chainId && a.isSettlement && a.address.toLowerCase() === address.toLowerCase(),
          ),
      )
      return negativeCash ? 'liquidate' : 'postAttestation'
    }
    const targets = risk.portfolio.chains
      .filter((chain) => chain.positions.size > 0 || kindOf(chain.chainId) === 'liquidate')
      .map((chain) => chain.chainId)
      .filter((chainId) => domains.has(chainId))
    if (targets.length === 0) {
      // Nothing to attest anywhere (no positions): remember the band so it is not reconsidered.
      const previous = decisions.get(key(account))
      await saveDecision(account, {
        band: risk.band,
        trigger: effective,
        sequence: previous?.sequence ?? '0',
        atMs: nowMs,
        state: 'queued',
      })
      return
    }
    const set = parameters.signerSet()
    const sequence = await nextCounter(redis, keys.sequence(account), nowMs)
    const asOf = BigInt(Math.floor(nowMs / 1_000))
    const expiry = asOf + BigInt(settings.lifetimeS)
    const attestations = targets.map((chainId) => {
      const domain = domains.get(chainId)!
      const kind = kindOf(chainId)
      const closes = plan?.byChain.get(chainId)
      const health = buildAccountHealth({
        risk,
        chainId,
        sequence,
        epoch: set.epoch,
        asOf,
        expiry,
        paramsHash: book.paramsHash,
        maxClose: closes?.maxClose,
      })
      const digest = xmarginDigest(domain, 'AccountHealth', health)
      const routes = kind === 'liquidate' ? seizeRoutes(risk, chainId) : undefined
      return { chainId, domain, kind, health, digest, closes, routes }
    })
    const anchors = risk.portfolio.anchors.map((anchor) => ({
      chainId: anchor.chainId,
      blockNumber: anchor.blockNumber.toString(),
      blockHash: anchor.blockHash,
    }))
    const record: AttestationRecord = {
      account,
      sequence: sequence.toString(),
      trigger: effective,
      status: 'proposed',
      createdAtMs: nowMs,
      anchors,
      attestations: attestations.map((a) => ({
        chainId: a.chainId,
        kind: a.kind,
        digest: a.digest,
        domain: a.domain,
        health: toWire(a.health) as AttestationRecord['attestations'][number]['health'],
        signatures: '0x',
        signers: [],
        jobId: jobId(a.kind, { chainId: a.chainId, account, sequence } as never),
        ...(a.kind === 'liquidate'
          ? {
              closes: (a.closes?.closes ?? []).map((c) => ({
                instrumentId: c.instrumentId,
                size: c.size.toString(),
              })),
            }
          : {}),
        ...(a.routes
          ? { routes: a.routes.map((r) => ({ dstEid: r.dstEid, maxUsd: r.maxUsd.toString() })) }
          : {}),
      })),
    }
    const decision: AttestationDecision = {
      band: risk.band,
      trigger: effective,
      sequence: sequence.toString(),
      atMs: nowMs,
      state: 'proposed',
      spots: spotsOf(risk),
      holdings: holdingsOf(risk),
    }
    // One transaction: the round (and its digests) and the decision that it is being proposed.
    decisions.set(key(account), decision)
    const start = redis.multi().hset(keys.attested, key(account), JSON.stringify(decision))
    store.roundCommands(start, record, { index: true, publish: false })
    await start.exec()
    const context: HealthProposalContext = {
      kind: 'health',
      nodeId,
      fence: fence.toString(),
      trigger: effective,
      anchors,
    }
    const log = logger.child({ account, sequence: sequence.toString(), trigger: effective })
    const started = performance.now()
    const outcomes = await Promise.allSettled(
      attestations.map(async (a, i) => {
        const kind = a.kind
        metrics.attestationsProposed.inc({ kind, trigger: effective })
        const request = await quorum.propose({
          primaryType: 'AccountHealth',
          domain: a.domain,
          message: a.health,
          context,
          ttlMs: settings.lifetimeS * 1_000,
        })
        await quorum.sign(request, signer)
        const collected = await quorum.collect(request.digest, {
          signerSet: set,
          timeoutMs: settings.quorumTimeoutMs,
        })
        metrics.quorumSeconds.observe({ type: 'AccountHealth' }, (performance.now() - started) / 1_000)
        const signatures = packSignatures(collected, set.threshold)
        const signers = collected
          .map((entry) => entry.signer)
          .sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))
          .slice(0, set.threshold)
        const health = { ...a.health, marks: [...a.health.marks] }
        const base = { chainId: a.chainId, account, sequence, health, signatures }
        const { id } =
          kind === 'liquidate'
            ? await jobs.liquidate({
                ...base,
                closes: a.closes?.closes ?? [],
                reason: a.health.equity < 0n ? 'badDebt' : 'belowMaintenance',
              })
            : await jobs.postAttestation(base)
        const entry = record.attestations[i]!
        entry.signatures = signatures
        entry.signers = signers
        entry.jobId = id
        metrics.attestationsQueued.inc({ kind })
        metrics.changeToQueueSeconds.observe(
          { kind },
          Math.max(0, performance.now() - risk.observedAtMs) / 1_000,
        )
        log.info({ chainId: a.chainId, digest: a.digest, jobId: id }, 'attestation queued')
      }),
    )
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected')
    record.status = failed.length === 0 ? 'queued' : 'failed'
    let retryMs = 0
    if (failed.length > 0) {
      const refused = failed.every((outcome) => outcome.reason instanceof QuorumRefusedError)
      const attempt = (failures.get(account) ?? 0) + 1
      failures.set(account, attempt)
      retryMs = refused ? Math.min(RETRY_MS, REFUSED_RETRY_MS * 2 ** (attempt - 1)) : RETRY_MS
      metrics.attestationsFailed.inc({ reason: refused ? 'refused' : 'quorum' })
      log.warn(
        { err: (failed[0] as PromiseRejectedResult).reason, retryMs },
        'attestation round failed; retrying later',
      )
    } else failures.delete(account)
    // One transaction: the finished round, its publication (every node's health objects) and the decision.
    const done: AttestationDecision = {
      ...decision,
      state: record.status,
      ...(failed.length > 0 ? { retryAtMs: Date.now() + retryMs } : {}),
    }
    decisions.set(key(account), done)
    const end = redis.multi().hset(keys.attested, key(account), JSON.stringify(done))
    store.roundCommands(end, record, { index: false, publish: failed.length === 0 })
    await end.exec()
    if (failed.length === 0) store.queued(record)
    else scheduleRetry(account, retryMs)
  }

  /** Reconsiders a failed account when its retry is due, even if its figures do not change meanwhile. */
  function scheduleRetry(account: Address, delayMs: number) {
    clearTimeout(retryTimers.get(account))
    retryTimers.set(
      account,
      setTimeout(() => {
        retryTimers.delete(account)
        const risk = book.get(account)
        if (!risk || stopped || inFlight.has(account) || pending.has(account)) return
        consider(risk)
        drain()
      }, delayMs + 1),
    )
  }

  /** Finishes a round a previous leader left `proposed`: queue what reached a quorum, else retry. */
  async function recover(account: Address, decision: AttestationDecision): Promise<void> {
    const record = await store.round(account, decision.sequence)
    const set = parameters.signerSet()
    let complete = record !== undefined
    if (record) {
      for (const entry of record.attestations) {
        try {
          const collected = await quorum.collect(entry.digest as `0x${string}`, {
            signerSet: set,
            timeoutMs: 1_000,
          })
          const health = accountHealthWire.parse(entry.health)
          const signatures = packSignatures(collected, set.threshold)
          const base = {
            chainId: entry.chainId,
            account: health.account,
            sequence: health.sequence,
            health,
            signatures,
          }
          const { id } =
            entry.kind === 'liquidate'
              ? await jobs.liquidate({
                  ...base,
                  closes: (entry.closes ?? []).map((c) => ({
                    instrumentId: c.instrumentId,
                    size: BigInt(c.size),
                  })),
                  reason: health.equity < 0n ? 'badDebt' : 'belowMaintenance',
                })
              : await jobs.postAttestation(base)
          entry.signatures = signatures
          entry.signers = collected.map((c) => c.signer).slice(0, set.threshold)
          entry.jobId = id
        } catch {
          complete = false
        }
      }
      record.status = complete ? 'queued' : 'failed'
      await store.saveRound(record)
      if (complete) await store.publishQueued(record)
    }
    logger.info(
      { account, sequence: decision.sequence, complete },
      'recovered an unfinished attestation round',
    )
    await saveDecision(account, {
      ...decision,
      state: complete ? 'queued' : 'failed',
      ...(complete ? {} : { retryAtMs: 0 }),
    })
  }

  async function takeOver(): Promise<void> {
    const stored = await redis.hgetall(keys.attested)
    decisions.clear()
    for (const [account, text] of Object.entries(stored)) {
      try {
        decisions.set(account, JSON.parse(text) as AttestationDecision)
      } catch {
        // A malformed entry is treated as "never attested".
      }
    }
    const now = Date.now()
    const unfinished = [...decisions.entries()].filter(
      ([, decision]) => decision.state === 'proposed' && now - decision.atMs < settings.lifetimeS * 1_000,
    )
    await Promise.all(
      unfinished.map(([account, decision]) =>
        recover(getAddress(account), decision).catch((error: unknown) =>
          logger.warn({ err: error, account }, 'could not recover an attestation round'),
        ),
      ),
    )
    for (const [account, decision] of decisions)
      if (decision.state === 'proposed')
        decisions.set(account, { ...decision, state: 'failed', retryAtMs: 0 })
    ready = true
    for (const risk of book.all()) consider(risk)
    drain()
  }

  const heartbeat = () => {
    if (!leader || !ready || stopped || settings.heartbeatS === 0) return
    const now = Date.now()
    const due: { account: Address; atMs: number }[] = []
    for (const risk of book.all()) {
      if (
        !risk.hasPositions ||
        risk.band === 'liquidatable' ||
        pending.has(risk.account) ||
        inFlight.has(risk.account)
      )
        continue
      const decision = decisions.get(key(risk.account))
      if (
        decision &&
        decision.state !== 'baseline' &&
        (decision.state !== 'queued' || now - decision.atMs < settings.heartbeatS * 1_000)
      )
        continue
      due.push({ account: risk.account, atMs: decision?.atMs ?? 0 })
    }
    due.sort((a, b) => a.atMs - b.atMs)
    for (const { account } of due.slice(0, settings.heartbeatsPerSecond)) pending.set(account, 'heartbeat')
    drain()
  }

  return {
    start() {
      heartbeatTimer = setInterval(heartbeat, 1_000)
      book.onIdle(drain)
    },
    async stop() {
      stopped = true
      leader = false
      clearInterval(heartbeatTimer)
      clearTimeout(deferTimer)
      for (const timer of retryTimers.values()) clearTimeout(timer)
      retryTimers.clear()
      pending.clear()
      await Promise.allSettled([...inFlight.values()])
    },
    onRiskUpdates(updates) {
      if (!leader || !ready) return
      for (const { risk } of updates) consider(risk)
      drain()
    },
    onLeadership(isLeader) {
      leader = isLeader
      ready = false
      if (!isLeader) {
        pending.clear()
        loaded = undefined
        return
      }
      loaded = takeOver().catch((error: unknown) => {
        logger.error({ err: error }, 'could not take over as leader')
      })
    },
    busy: () => urgentRounds > 0 || [...pending.values()].some((trigger) => trigger !== 'heartbeat'),
    async idle() {
      await loaded
      while (pending.size > 0 || inFlight.size > 0) {
        await Promise.allSettled([...inFlight.values()])
        if (inFlight.size === 0 && pending.size > 0) drain()
        if (inFlight.size === 0 && pending.size > 0 && !leader) return
        await new Promise((resolve) => setImmediate(resolve))
      }
    },
  }
}
