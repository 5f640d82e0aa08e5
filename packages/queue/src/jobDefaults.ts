import type { JobKind } from './schemas.js'

/** Retry and retention settings every job of a kind gets unless the producer overrides them. */
export type JobDefaults = {
  /** Attempts before the job fails for good (the first run counts). */
  attempts: number
  /** Backoff base: the first retry waits 0.5–1 × this, doubling up to `backoffMaxMs`. */
  backoffBaseMs: number
  /** Largest backoff before jitter. */
  backoffMaxMs: number
  /**
   * How long completed jobs stay (seconds, and at most how many). While a completed job stays, adding
   * the same job id again is a no-op; after it is gone, the add creates a new job, whose handler finds
   * the effect already on chain and completes as "already done". So the window saves work; correctness
   * comes from the chain. BullMQ evicts only when another job completes, so jobs may stay longer.
   */
  removeOnComplete: { age: number; count: number }
  /** How long permanently failed jobs stay in the failed set for inspection (seconds, count). */
  removeOnFail: { age: number; count: number }
}

const HOUR_S = 3_600
const DAY_S = 24 * HOUR_S

/**
 * Per kind: attestations are superseded within seconds (a newer sequence makes an old one useless), so
 * they retry briefly and are kept an hour; liquidations retry for about ten minutes and are kept a
 * week; LayerZero deliveries must eventually happen and retry for hours.
 */
export const JOB_DEFAULTS: Readonly<Record<JobKind, JobDefaults>> = {
  postAttestation: {
    attempts: 6,
    backoffBaseMs: 500,
    backoffMaxMs: 10_000,
    removeOnComplete: { age: HOUR_S, count: 50_000 },
    removeOnFail: { age: 7 * DAY_S, count: 10_000 },
  },
  liquidate: {
    attempts: 12,
    backoffBaseMs: 1_000,
    backoffMaxMs: 120_000,
    removeOnComplete: { age: 7 * DAY_S, count: 100_000 },
    removeOnFail: { age: 30 * DAY_S, count: 10_000 },
  },
  lzDeliver: {
    attempts: 30,
    backoffBaseMs: 2_000,
    backoffMaxMs: 15 * 60_000,
    removeOnComplete: { age: 7 * DAY_S, count: 100_000 },
    removeOnFail: { age: 30 * DAY_S, count: 10_000 },
  },
}

/** Name of the custom backoff strategy that `createWorker` registers (`jitteredBackoff`). */
export const BACKOFF_TYPE = 'xmargin-jitter'
