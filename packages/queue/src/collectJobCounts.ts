import type { JobCounts, JobQueue } from './createJobQueue.js'
import type { JobKind } from './schemas.js'

/** One gauge sample: how many jobs of one queue are in one state. */
export type JobCountSample = {
  queue: string
  kind: JobKind
  chainId: number
  state: keyof JobCounts
  count: number
}

/**
 * Job counts of every queue by state, flattened for a `queue_jobs{queue,state}` gauge. (For BullMQ's
 * own Prometheus text, call `exportPrometheusMetrics()` on `jobQueue.queue`.)
 *
 * @example for (const s of await collectJobCounts(queues)) gauge.set({ queue: s.queue, state: s.state }, s.count)
 */
export async function collectJobCounts(queues: ReadonlyArray<JobQueue<JobKind>>): Promise<JobCountSample[]> {
  const all = await Promise.all(
    queues.map(async (jobQueue) => ({ jobQueue, counts: await jobQueue.jobCounts() })),
  )
  return all.flatMap(({ jobQueue, counts }) =>
    (Object.entries(counts) as Array<[keyof JobCounts, number]>).map(([state, count]) => ({
      queue: jobQueue.ref.name,
      kind: jobQueue.ref.kind as JobKind,
      chainId: jobQueue.ref.chainId,
      state,
      count,
    })),
  )
}
