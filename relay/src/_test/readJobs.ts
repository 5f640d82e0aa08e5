import { decodeJob, type JobData, type JobKind, queueRef } from '@xmargin/queue'
import { Queue } from 'bullmq'

/** Every job of one kind and chain in a test's queues, decoded (any state). */
export async function readJobs<kind extends JobKind>(
  redisUrl: string,
  basePrefix: string,
  kind: kind,
  chainId: number,
): Promise<{ id: string; data: JobData<kind> }[]> {
  const ref = queueRef({ kind, chainId, basePrefix })
  const queue = new Queue(ref.name, { connection: { url: redisUrl }, prefix: ref.prefix })
  try {
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'])
    return jobs.map((job) => ({ id: job.id!, data: decodeJob(kind, job.data) }))
  } finally {
    await queue.close()
  }
}
