import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { PermanentError, RetryableError } from '@xmargin/errors'
import type { Redis } from 'ioredis'
import type { Address, Client, Hex, LocalAccount, TransactionReceipt } from 'viem'
import { estimateFeesPerGas, getBlockNumber, getTransactionCount, getTransactionReceipt } from 'viem/actions'
import type { TxEvent, TxMetrics } from '../events.js'
import { createLedger, type Ledger } from '../ledger/createLedger.js'
import { resolveTxPolicy, type TxPolicy, type TxPolicyInput } from '../policy.js'
import { redactUrls } from '../redactUrls.js'
import type { Fees } from '../replacementFees.js'
import { safeError } from '../safeError.js'
import type { EngineContext, SignerSlot } from './context.js'
import { createNonceWatcher } from './createNonceWatcher.js'
import { type ReconcileReport, reconcileSigner } from './reconcileSigner.js'
import { type SubmitRequest, type SubmittedTx, submitTransaction } from './submitTransaction.js'
import type { WaitOptions } from './waitForRecord.js'

export type CreateTxEngineParameters = {
  chainId: number
  /** A viem client for the chain (public actions are used; signing is local). */
  client: Client
  /** The signer pool. Each is used only while this engine holds its lease. */
  signers: readonly LocalAccount[]
  /** Used as is and never closed by the engine. Must not use the ioredis `keyPrefix` option. */
  redis: Redis
  /** Key prefix, default `xmargin`; keys are `{<prefix>:tx:<chainId>}:…` (see `ledgerKeys`). */
  prefix?: string | undefined
  policy?: TxPolicyInput | undefined
  /** Names this engine in leases; default `<host>-<pid>-<random>`. Unique per engine instance. */
  holderId?: string | undefined
  /** Every event (log it: it carries chain, signer, nonce, hash, intent). */
  onEvent?: ((event: TxEvent) => void) | undefined
}

export type TxEngine = {
  readonly chainId: number
  readonly holderId: string
  readonly ledger: Ledger
  readonly policy: TxPolicy
  /** Takes the leases it can, reconciles those signers with the chain, and starts the monitor. */
  start(): Promise<void>
  /** See `submitTransaction`: exactly one transaction per intent; resolves once the node accepted it. */
  submit(request: SubmitRequest): Promise<SubmittedTx>
  /** Reconciles every held signer now (the monitor also does it every poll interval). */
  reconcile(): Promise<ReconcileReport[]>
  /** Stops the monitor, waits up to `timeoutMs` (default 10 000) for submissions, gives the leases back. */
  stop(options?: { timeoutMs?: number | undefined }): Promise<void>
  metrics(): TxMetrics
  /** Signers this engine holds the lease of and has reconciled: the ones submissions may use now. */
  heldSigners(): Address[]
  /** Adds an event listener; returns its removal. */
  subscribe(listener: (event: TxEvent) => void): () => void
}

/**
 * The transaction engine for one chain: a Redis nonce ledger, a pool of signers each used by one engine
 * at a time (lease + fencing token), simulation before every broadcast, pipelined submissions, and a
 * monitor that finds receipts, re-sends dropped transactions, bumps stuck ones, cancels overdue ones
 * and fills nonce gaps.
 *
 * @example
 * const engine = createTxEngine({ chainId, client, signers, redis, prefix: 'xmargin' })
 * await engine.start()
 * const tx = await engine.submit({ intentId: job.id, to: liquidator, data, abi: liquidatorAbi })
 * const receipt = await tx.wait({ confirmations: 2 })
 * await engine.stop()
 */
export function createTxEngine(parameters: CreateTxEngineParameters): TxEngine {
  const { chainId, client, signers, redis, prefix = 'xmargin', onEvent } = parameters
  const policy = resolveTxPolicy(parameters.policy)
  if (signers.length === 0) throw new PermanentError('createTxEngine: the signer pool is empty')
  if (client.chain && client.chain.id !== chainId)
    throw new PermanentError(`createTxEngine: the client is for chain ${client.chain.id}, not ${chainId}`)
  const holderId = parameters.holderId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`
  const ledger = createLedger({ redis, prefix, chainId, recordTtlMs: policy.recordTtlS * 1_000 })

  const slots = new Map<string, SignerSlot>()
  for (const account of signers) {
    const key = account.address.toLowerCase()
    if (slots.has(key)) throw new PermanentError(`createTxEngine: signer ${account.address} appears twice`)
    slots.set(key, {
      account,
      address: account.address,
      lease: undefined,
      leaseValidUntil: 0,
      ready: false,
      submitting: 0,
    })
  }

  const listeners = new Set<(event: TxEvent) => void>()
  if (onEvent) listeners.add(onEvent)
  const counters: TxMetrics['counters'] = {
    broadcast: 0,
    rebroadcast: 0,
    replaced: 0,
    cancelled: 0,
    dropped: 0,
    nonceGaps: 0,
    released: 0,
    simulationReverts: 0,
    mined: 0,
    leaseLost: 0,
  }
  const emit = (event: Omit<TxEvent, 'chainId' | 'at'>) => {
    const full: TxEvent = { ...event, chainId, at: Date.now() }
    for (const listener of listeners) {
      try {
        listener(full)
      } catch {
        // a listener's bug must not stop the engine
      }
    }
  }

  // Chain reads shared by submissions, waiters and the monitor, each cached for a short while.
  const cached = <value>(ttlMs: number, load: () => Promise<value>) => {
    let entry: { at: number; value: Promise<value> } | undefined
    return (fresh = false) => {
      if (fresh || !entry || Date.now() - entry.at > ttlMs) {
        const value = load()
        entry = { at: Date.now(), value }
        value.catch(() => {
          if (entry?.value === value) entry = undefined
        })
      }
      return entry.value
    }
  }
  const feeCache = cached<Fees>(policy.pollIntervalMs, async () => {
    const { maxFeePerGas, maxPriorityFeePerGas } = await estimateFeesPerGas(client, {
      chain: client.chain ?? null,
    })
    return { maxFeePerGas, maxPriorityFeePerGas }
  })
  const blockCache = cached(Math.min(policy.pollIntervalMs, 250), () =>
    getBlockNumber(client, { cacheTime: 0 }),
  )
  const nonceCaches = new Map<string, () => Promise<number>>()
  const receipts = new Map<Hex, TransactionReceipt>()
  const watcher = createNonceWatcher({ client, intervalMs: policy.receiptPollMs })

  let running = false
  let acquiring: Promise<void> | undefined
  let monitorTimer: NodeJS.Timeout | undefined
  let renewTimer: NodeJS.Timeout | undefined
  let serial: Promise<unknown> = Promise.resolve()
  const inflight = new Map<string, Promise<SubmittedTx>>()
  /** The last reconciliation of each signer, for the pending gauges. */
  const reports = new Map<string, ReconcileReport>()
  const reconcile = async (slot: SignerSlot) => {
    const report = await reconcileSigner(ctx, slot)
    if (report) reports.set(slot.address.toLowerCase(), report)
    return report
  }

  /** Runs `task` after every earlier one (monitor ticks and explicit reconciles never overlap). */
  const exclusive = <value>(task: () => Promise<value>): Promise<value> => {
    const result = serial.then(task, task)
    serial = result.catch(() => undefined)
    return result
  }

  const ctx: EngineContext = {
    chainId,
    client,
    ledger,
    policy,
    slots,
    busy: new Set(),
    emit,
    count: (counter) => {
      counters[counter]++
    },
    fees: (options) => feeCache(options?.fresh ?? false),
    blockNumber: (options) => blockCache(options?.fresh ?? false),
    latestNonce(signer) {
      const key = signer.toLowerCase()
      let load = nonceCaches.get(key)
      if (!load) {
        load = cached(Math.min(policy.pollIntervalMs / 2, 250), () =>
          getTransactionCount(client, { address: signer, blockTag: 'latest' }),
        )
        nonceCaches.set(key, load)
      }
      return load()
    },
    nonceUsed: (signer, nonce, maxWaitMs) => watcher.until(signer, nonce, maxWaitMs),
    async receipt(hash) {
      const known = receipts.get(hash)
      if (known) return known
      try {
        const receipt = await getTransactionReceipt(client, { hash })
        if (receipts.size > 10_000) receipts.clear()
        receipts.set(hash, receipt)
        return receipt
      } catch (error) {
        if (error instanceof Error && error.name === 'TransactionReceiptNotFoundError') return undefined
        throw error
      }
    },
    held(signer) {
      const slot = slots.get(signer.toLowerCase())
      return slot?.lease && Date.now() < slot.leaseValidUntil ? slot : undefined
    },
    dropLease(slot, why) {
      if (!slot.lease) return
      const fence = slot.lease.fence
      slot.lease = undefined
      slot.ready = false
      counters.leaseLost++
      emit({ type: 'leaseLost', signer: slot.address, fence, detail: why })
    },
    acquireLeases() {
      acquiring ??= acquireAll().finally(() => {
        acquiring = undefined
      })
      return acquiring
    },
    isRunning: () => running,
  }

  /** Takes free leases; a newly held signer is reconciled (recovery) before submissions may use it. */
  async function acquireAll(): Promise<void> {
    for (const slot of slots.values()) {
      if (!running || slot.lease) continue
      try {
        const lease = await ledger.acquireLease(slot.address, holderId, policy.leaseTtlMs)
        if (!lease) continue
        slot.lease = lease
        slot.leaseValidUntil = Date.now() + policy.leaseTtlMs - leaseMarginMs()
        emit({ type: 'leaseAcquired', signer: slot.address, fence: lease.fence })
        const report = await exclusive(() => reconcile(slot))
        if (report && slot.lease === lease) {
          slot.ready = true
          emit({ type: 'recovered', signer: slot.address, fence: lease.fence, detail: describe(report) })
        }
      } catch (error) {
        emit({ type: 'error', signer: slot.address, detail: `acquiring the lease: ${message(error)}` })
      }
    }
  }

  async function renewAll(): Promise<void> {
    for (const slot of slots.values()) {
      const lease = slot.lease
      if (!lease) continue
      try {
        if (await ledger.renewLease(slot.address, lease, policy.leaseTtlMs)) {
          if (slot.lease === lease) slot.leaseValidUntil = Date.now() + policy.leaseTtlMs - leaseMarginMs()
        } else ctx.dropLease(slot, 'renewal found the lease gone')
      } catch (error) {
        // Redis unreachable: keep trying; `held()` stops trusting the lease once it may have lapsed.
        emit({ type: 'error', signer: slot.address, detail: `renewing the lease: ${message(error)}` })
      }
    }
  }

  async function tick(): Promise<void> {
    await ctx.acquireLeases()
    await exclusive(async () => {
      for (const slot of slots.values()) {
        if (!running || !slot.ready || !ctx.held(slot.address)) continue
        try {
          await reconcile(slot)
        } catch (error) {
          emit({ type: 'error', signer: slot.address, detail: `reconciling: ${message(error)}` })
        }
      }
    })
  }

  function scheduleMonitor(): void {
    monitorTimer = setTimeout(async () => {
      await tick().catch((error) => emit({ type: 'error', detail: `monitor: ${message(error)}` }))
      if (running) scheduleMonitor()
    }, policy.pollIntervalMs)
  }

  return {
    chainId,
    holderId,
    ledger,
    policy,
    async start() {
      if (running) return
      running = true
      renewTimer = setInterval(() => void renewAll(), Math.max(50, Math.floor(policy.leaseTtlMs / 3)))
      await ctx.acquireLeases()
      scheduleMonitor()
    },
    submit(request) {
      // Retryable: a job that reaches a stopped engine (shutdown) is retried by another process.
      if (!running)
        return Promise.reject(new RetryableError('The transaction engine is not running (start() it first)'))
      const existing = inflight.get(request.intentId)
      if (existing) return existing.then((tx) => ({ ...tx, reused: true }))
      const submission = submitTransaction(ctx, request)
        .then((tx) => ({ ...tx, wait: (options?: WaitOptions) => tx.wait(options).catch(rethrowSafe) }))
        .catch(rethrowSafe)
        .finally(() => inflight.delete(request.intentId))
      inflight.set(request.intentId, submission)
      return submission
    },
    reconcile() {
      return exclusive(async () => {
        const result: ReconcileReport[] = []
        for (const slot of slots.values()) {
          if (!ctx.held(slot.address)) continue
          const report = await reconcile(slot)
          if (report) result.push(report)
        }
        return result
      })
    },
    async stop(options = {}) {
      if (!running) return
      running = false
      clearTimeout(monitorTimer)
      clearInterval(renewTimer)
      const deadline = new Promise((resolve) => setTimeout(resolve, options.timeoutMs ?? 10_000).unref())
      await Promise.race([Promise.allSettled([...inflight.values(), serial, acquiring]), deadline])
      for (const slot of slots.values()) {
        const lease = slot.lease
        if (!lease) continue
        slot.lease = undefined
        slot.ready = false
        try {
          await ledger.releaseLease(slot.address, lease)
          emit({ type: 'leaseReleased', signer: slot.address, fence: lease.fence })
        } catch (error) {
          emit({ type: 'error', signer: slot.address, detail: `releasing the lease: ${message(error)}` })
        }
      }
    },
    metrics() {
      const now = Date.now()
      return {
        chainId,
        counters: { ...counters },
        signers: [...slots.values()]
          .filter((slot) => slot.lease)
          .map((slot) => ({
            signer: slot.address,
            fence: slot.lease?.fence ?? 0,
            pending: reports.get(slot.address.toLowerCase())?.unmined ?? 0,
            oldestPendingMs: Math.max(
              0,
              now - (reports.get(slot.address.toLowerCase())?.oldestUnminedAt ?? now),
            ),
          })),
      }
    },
    heldSigners: () =>
      [...slots.values()].filter((slot) => slot.ready && ctx.held(slot.address)).map((slot) => slot.address),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }

  function leaseMarginMs(): number {
    // Stop trusting a lease a little before it can lapse in Redis (clock drift, a slow renewal).
    return Math.min(1_000, Math.floor(policy.leaseTtlMs / 5))
  }
}

function describe(report: ReconcileReport): string {
  const parts = [`latest ${report.latest}`, `pending ${report.pending}`, `next ${report.next}`]
  for (const key of [
    'mined',
    'dropped',
    'released',
    'rebroadcast',
    'replaced',
    'cancelling',
    'gapsFilled',
  ] as const)
    if (report[key]) parts.push(`${key} ${report[key]}`)
  return parts.join(', ')
}

function rethrowSafe(error: unknown): never {
  throw safeError(error)
}

function message(error: unknown): string {
  return redactUrls(error instanceof Error ? error.message : String(error))
}
