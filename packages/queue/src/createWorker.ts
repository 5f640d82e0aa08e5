import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq'
import { jitteredBackoff } from './backoff.js'
import { classify } from './classify.js'
import { type RedisConnection, toConnectionOptions } from './connection.js'
import { decodeJob } from './decodeJob.js'
import { JOB_DEFAULTS } from './jobDefaults.js'
import { deadLetterRef, type QueueRef, queueRef } from './queueRef.js'
import type { JobData, JobKind } from './schemas.js'

/** What a handler gets besides the decoded payload. */
export type JobContext = {
  /** The deterministic job id (`liq-…`): use it as the transaction engine's intent id. */
  jobId: string
  /** 1 on the first run, 2 on the first retry, … (a run that stalled does not count). */
  attempt: number
  /** Aborted when the worker shuts down and its grace period is over: stop at the next safe point. */
  signal: AbortSignal | undefined
  /** The BullMQ job (progress, logs). */
  job: Job
}

/**
 * Does the job's work. Return normally on success; throw `AlreadyDoneError` when the effect already
 * happened, a `PermanentError` when retrying cannot help, a `RateLimitedError` on 429, anything else
 * to retry. Must be idempotent: a job can run again after a crash or a stall.
 */
export type JobHandler<kind extends JobKind, result = unknown> = (
  data: JobData<kind>,
  context: JobContext,
) => Promise<result>

/** One event per job run, for metrics (`jobs_total{queue,outcome}`) and logs. */
export type JobOutcome = {
  queue: string
  kind: JobKind
  chainId: number
  jobId: string
  attempt: number
  outcome:
    | 'completed' // the handler returned
    | 'alreadyDone' // the handler found the effect already done: success
    | 'retrying' // failed; another attempt is scheduled after a backoff
    | 'failed' // failed for good (unrecoverable or out of attempts); in the failed set and the dead letter
    | 'rateLimited' // put back without spending an attempt; the queue pauses
    | 'stalled' // its worker died or blocked; BullMQ moved it back to wait for another worker
  durationMs: number
  reason?: string | undefined
}

export type CreateWorkerParameters<kind extends JobKind> = {
  kind: kind
  chainId: number
  connection: RedisConnection
  basePrefix?: string | undefined
  handler: JobHandler<kind>
  /** Jobs this worker runs at once; default 1. Match it to the signers the transaction engine holds. */
  concurrency?: number | undefined
  /**
   * How long a job's lock lives without renewal; default 20 000 ms. The worker renews it every half of
   * this while the handler runs, so only a dead process or an event loop blocked for ~10 s loses it.
   * After a SIGKILL the job is picked up by another worker within `lockDurationMs + stalledIntervalMs`.
   */
  lockDurationMs?: number | undefined
  /** How often this worker looks for jobs whose lock lapsed; default 10 000 ms. */
  stalledIntervalMs?: number | undefined
  /**
   * Stalls a job may survive before it fails; default 5 (BullMQ's default is 1). Handlers are
   * idempotent (transaction intents), so a re-run after a crash is safe; the limit only stops a job
   * that kills every worker that takes it.
   */
  maxStalledCount?: number | undefined
  /** Largest retry backoff before jitter; default the kind's `JOB_DEFAULTS`. */
  backoffMaxMs?: number | undefined
  /** Pause after a rate-limit signal that gave no delay; default 1 000 ms. */
  rateLimitMs?: number | undefined
  /** Copy jobs that failed for good to the dead-letter queue; default true. */
  deadLetter?: boolean | undefined
  onOutcome?: ((outcome: JobOutcome) => void) | undefined
  /** Connection and worker errors; default: printed to stderr. */
  onError?: ((error: Error) => void) | undefined
}

export type JobWorker = {
  ref: QueueRef
  /** The BullMQ worker, for what this wrapper leaves out. */
  worker: Worker
  waitUntilReady(): Promise<void>
  /**
   * Stops fetching, waits up to `timeoutMs` (default 30 000) for running jobs, then closes the
   * connections it opened. Jobs still running at the deadline get their abort signal and are left to
   * lapse: another worker picks them up as stalled. `timedOut` says whether that happened.
   */
  close(options?: { timeoutMs?: number | undefined }): Promise<{ timedOut: boolean }>
}

/**
 * A BullMQ worker for one job kind on one chain that validates payloads, runs `handler`, and turns its
 * errors into complete / retry with jittered backoff / fail / rate-limit through `classify`.
 *
 * @example
 * const worker = createWorker({ kind: 'liquidate', chainId, connection: redisUrl, handler: liquidate })
 * process.once('SIGTERM', () => worker.close({ timeoutMs: 20_000 }))
 */
export function createWorker<kind extends JobKind>(parameters: CreateWorkerParameters<kind>): JobWorker {
  const {
    kind,
    chainId,
    connection,
    basePrefix,
    handler,
    concurrency = 1,
    lockDurationMs = 20_000,
    stalledIntervalMs = 10_000,
    maxStalledCount = 5,
    backoffMaxMs = JOB_DEFAULTS[kind].backoffMaxMs,
    rateLimitMs = 1_000,
    deadLetter = true,
    onOutcome,
    onError = (error: Error) => console.error(`[${kind}-${chainId}] ${error.message}`),
  } = parameters
  const ref = queueRef({ kind, chainId, basePrefix })
  const connectionOptions = toConnectionOptions(connection)
  const running = new Set<Promise<unknown>>()
  const emit = (
    job: Job | { id?: string | undefined },
    outcome: JobOutcome['outcome'],
    extra: Partial<JobOutcome>,
  ) =>
    onOutcome?.({
      queue: ref.name,
      kind,
      chainId,
      jobId: job.id ?? '',
      attempt: 'attemptsMade' in job ? job.attemptsMade + 1 : 0,
      outcome,
      durationMs: 0,
      ...extra,
    })

  const runJob = async (job: Job, _token: string | undefined, signal?: AbortSignal) => {
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    let data: JobData<kind>
    try {
      data = decodeJob(kind, job.data)
    } catch (error) {
      throw new UnrecoverableError((error as Error).message)
    }
    try {
      const context: JobContext = { jobId: job.id ?? '', attempt: job.attemptsMade + 1, signal, job }
      const result = await handler(data, context)
      emit(job, 'completed', { durationMs: elapsed() })
      return result ?? null
    } catch (error) {
      const decision = classify(error)
      switch (decision.action) {
        case 'complete':
          emit(job, 'alreadyDone', { durationMs: elapsed(), reason: decision.reason })
          return { alreadyDone: true, reason: decision.reason }
        case 'fail':
          throw new UnrecoverableError(decision.reason)
        case 'rateLimit':
          await worker.rateLimit(decision.delayMs ?? rateLimitMs)
          emit(job, 'rateLimited', { durationMs: elapsed(), reason: decision.reason })
          throw Worker.RateLimitError()
        case 'retry':
          throw error
      }
    }
  }

  const worker = new Worker(
    ref.name,
    (job: Job, token: string | undefined, signal?: AbortSignal) => {
      const run = runJob(job, token, signal)
      running.add(run)
      const forget = () => running.delete(run)
      run.then(forget, forget)
      return run
    },
    {
      connection: connectionOptions,
      prefix: ref.prefix,
      concurrency,
      lockDuration: lockDurationMs,
      stalledInterval: stalledIntervalMs,
      maxStalledCount,
      // Jobs added without options (not through createJobQueue) still get the kind's retention.
      removeOnComplete: JOB_DEFAULTS[kind].removeOnComplete,
      removeOnFail: JOB_DEFAULTS[kind].removeOnFail,
      settings: {
        backoffStrategy: (attemptsMade, _type, _error, job) => {
          const backoff = job?.opts.backoff
          const baseMs =
            typeof backoff === 'object' && backoff.delay ? backoff.delay : JOB_DEFAULTS[kind].backoffBaseMs
          return jitteredBackoff(attemptsMade, { baseMs, maxMs: backoffMaxMs })
        },
      },
    },
  )

  const deadLetterQueue = deadLetter
    ? new Queue(deadLetterRef({ basePrefix }).name, {
        connection: connectionOptions,
        prefix: deadLetterRef({ basePrefix }).prefix,
      })
    : undefined

  worker.on('error', onError)
  deadLetterQueue?.on('error', onError)
  worker.on('failed', (job, error) => {
    if (!job) return
    const durationMs = job.processedOn ? Date.now() - job.processedOn : 0
    // BullMQ sets `finishedOn` only when the job leaves for the failed set, not when it is retried.
    if (!job.finishedOn) {
      emit(job, 'retrying', { attempt: job.attemptsMade, durationMs, reason: error.message })
      return
    }
    emit(job, 'failed', { attempt: job.attemptsMade, durationMs, reason: error.message })
    deadLetterQueue
      ?.add(
        'deadLetter',
        {
          queue: ref.name,
          kind,
          chainId,
          jobId: job.id,
          data: job.data,
          failedReason: error.message,
          attemptsMade: job.attemptsMade,
          failedAt: new Date(job.finishedOn).toISOString(),
        },
        { jobId: `dead-${job.id}-${job.finishedOn}` },
      )
      .catch(onError)
  })
  worker.on('stalled', (jobId) => emit({ id: jobId }, 'stalled', {}))

  let closing: Promise<{ timedOut: boolean }> | undefined

  return {
    ref,
    worker,
    waitUntilReady: () => worker.waitUntilReady(),
    close(options = {}) {
      closing ??= shutDown(options.timeoutMs ?? 30_000)
      return closing
    },
  }

  async function shutDown(timeoutMs: number): Promise<{ timedOut: boolean }> {
    await worker.pause(true) // stop taking jobs; do not wait here
    const deadline = Date.now() + timeoutMs
    while (running.size > 0 && Date.now() < deadline) {
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()))),
      ])
    }
    const timedOut = running.size > 0
    if (timedOut) worker.cancelAllJobs('worker shutting down')
    await worker.close(timedOut)
    await deadLetterQueue?.close()
    return { timedOut }
  }
}
