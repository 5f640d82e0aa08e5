import { PermanentError } from '@xmargin/errors'
import { type JobsOptions, Queue } from 'bullmq'
import { type RedisConnection, toConnectionOptions } from './connection.js'
import { encodeJob } from './encodeJob.js'
import { jobChainId } from './jobChainId.js'
import { BACKOFF_TYPE, JOB_DEFAULTS, type JobDefaults } from './jobDefaults.js'
import { jobId } from './jobId.js'
import { type QueueRef, queueRef } from './queueRef.js'
import type { JobData, JobKind } from './schemas.js'

export type CreateJobQueueParameters<kind extends JobKind> = {
  kind: kind
  chainId: number
  connection: RedisConnection
  /** See `queueRef`; default `xmargin`. */
  basePrefix?: string | undefined
  /** Overrides of the kind's `JOB_DEFAULTS`. */
  defaults?: Partial<JobDefaults> | undefined
}

export type AddJobOptions = {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number | undefined
  /** 1 (highest) … 2 097 151; default: none (before every prioritised job). */
  priority?: number | undefined
}

/** Counts of a queue's jobs by state (BullMQ names). */
export type JobCounts = Record<
  'waiting' | 'active' | 'delayed' | 'prioritized' | 'completed' | 'failed' | 'waiting-children',
  number
>

export type JobQueue<kind extends JobKind> = {
  ref: QueueRef
  /** The BullMQ queue, for what this wrapper leaves out (`exportPrometheusMetrics`, `getFailed`, …). */
  queue: Queue
  /**
   * Validates `data`, stores its wire form under the id built from what it acts on, and returns that id.
   * Adding a job whose id already exists (waiting, active, delayed, completed or failed and not yet
   * removed) does nothing.
   */
  add(data: JobData<kind>, options?: AddJobOptions): Promise<{ id: string }>
  /** Job counts by state, for a `queue_jobs{queue,state}` gauge. */
  jobCounts(): Promise<JobCounts>
  close(): Promise<void>
}

/**
 * A producer for one job kind on one chain.
 *
 * @example
 * const liquidations = createJobQueue({ kind: 'liquidate', chainId: 31337, connection: redisUrl })
 * await liquidations.add({ chainId: 31337, account, sequence, health, signatures, reason: 'belowMaintenance' })
 */
export function createJobQueue<kind extends JobKind>(
  parameters: CreateJobQueueParameters<kind>,
): JobQueue<kind> {
  const { kind, chainId, connection, basePrefix, defaults } = parameters
  const ref = queueRef({ kind, chainId, basePrefix })
  const settings: JobDefaults = { ...JOB_DEFAULTS[kind], ...defaults }
  const queue = new Queue(ref.name, {
    connection: toConnectionOptions(connection),
    prefix: ref.prefix,
    defaultJobOptions: {
      attempts: settings.attempts,
      backoff: { type: BACKOFF_TYPE, delay: settings.backoffBaseMs },
      removeOnComplete: settings.removeOnComplete,
      removeOnFail: settings.removeOnFail,
    },
  })

  return {
    ref,
    queue,
    async add(data, options = {}) {
      const wire = encodeJob(kind, data)
      if (jobChainId(kind, data) !== chainId)
        throw new PermanentError(`A ${kind} job for chain ${jobChainId(kind, data)} added to ${ref.name}`)
      const id = jobId(kind, data)
      const jobOptions: JobsOptions = { jobId: id }
      if (options.delayMs !== undefined) jobOptions.delay = options.delayMs
      if (options.priority !== undefined) jobOptions.priority = options.priority
      await queue.add(kind, wire, jobOptions)
      return { id }
    },
    async jobCounts() {
      const counts = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'completed',
        'failed',
        'waiting-children',
      )
      return counts as JobCounts
    },
    close: () => queue.close(),
  }
}
