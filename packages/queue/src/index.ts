export { type BackoffParameters, jitteredBackoff } from './backoff.js'
export { type Classification, classify } from './classify.js'
export { collectJobCounts, type JobCountSample } from './collectJobCounts.js'
export type { RedisConnection } from './connection.js'
export {
  type AddJobOptions,
  type CreateJobQueueParameters,
  createJobQueue,
  type JobCounts,
  type JobQueue,
} from './createJobQueue.js'
export {
  type CreateWorkerParameters,
  createWorker,
  type JobContext,
  type JobHandler,
  type JobOutcome,
  type JobWorker,
} from './createWorker.js'
export { decodeJob } from './decodeJob.js'
export { encodeJob } from './encodeJob.js'
export { AlreadyDoneError, InvalidJobError, RateLimitedError } from './errors.js'
export { jobChainId } from './jobChainId.js'
export { BACKOFF_TYPE, JOB_DEFAULTS, type JobDefaults } from './jobDefaults.js'
export { jobId } from './jobId.js'
export {
  DEFAULT_BASE_PREFIX,
  deadLetterRef,
  type QueueRef,
  type QueueRefParameters,
  queueRef,
} from './queueRef.js'
export {
  type AccountHealthData,
  accountHealthSchema,
  instrumentMarkSchema,
  JOB_KINDS,
  type JobData,
  type JobKind,
  type JobWire,
  jobSchemas,
  liquidateSchema,
  liquidationReasonSchema,
  lzDeliverSchema,
  postAttestationSchema,
} from './schemas.js'
