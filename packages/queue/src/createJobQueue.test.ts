import { afterEach, beforeEach, expect, test } from 'vitest'
import { CHAIN_ID, liquidation } from './_test/fixtures.js'
import { deleteQueues, freshBasePrefix, keysByHashTag, redisUrl, until } from './_test/redis.js'
import { createJobQueue, type JobQueue } from './createJobQueue.js'
import { createWorker, type JobWorker } from './createWorker.js'
import { InvalidJobError } from './errors.js'

let basePrefix: string
const opened: Array<JobQueue<'liquidate'> | JobWorker> = []
beforeEach(() => {
  basePrefix = freshBasePrefix()
})
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close()
  await deleteQueues(basePrefix)
})

function newQueue(defaults?: Parameters<typeof createJobQueue>[0]['defaults']) {
  const jobQueue = createJobQueue({
    kind: 'liquidate',
    chainId: CHAIN_ID,
    connection: redisUrl,
    basePrefix,
    defaults,
  })
  opened.push(jobQueue)
  return jobQueue
}

/** A worker whose handler waits until `release()`; counts runs per job id. */
function gatedWorker() {
  const runs = new Map<string, number>()
  let open: () => void = () => {}
  let gate = new Promise<void>((resolve) => {
    open = resolve
  })
  const worker = createWorker({
    kind: 'liquidate',
    chainId: CHAIN_ID,
    connection: redisUrl,
    basePrefix,
    handler: async (_data, { jobId }) => {
      runs.set(jobId, (runs.get(jobId) ?? 0) + 1)
      await gate
    },
  })
  opened.push(worker)
  return {
    runs,
    release: () => open(),
    rearm: () => {
      gate = new Promise<void>((resolve) => {
        open = resolve
      })
    },
  }
}

test('default: adding the same liquidation twice stores one job under the deterministic id', async () => {
  const jobQueue = newQueue()
  const first = await jobQueue.add(liquidation())
  const second = await jobQueue.add({ ...liquidation(), reason: 'manual' })
  expect(first.id).toBe('liq-31337-0x90F79bf6EB2c4f870365E785982E1f101E93b906-7')
  expect(second.id).toBe(first.id)
  expect(await jobQueue.jobCounts()).toMatchObject({ waiting: 1, active: 0, completed: 0 })
  // Stored in wire form: bigints as strings, the first payload kept.
  const job = await jobQueue.queue.getJob(first.id)
  expect(job?.data).toMatchObject({ sequence: '7', reason: 'belowMaintenance' })
  // Every key of the queue carries its own hash tag (one Redis Cluster slot per queue).
  expect(await keysByHashTag(basePrefix)).toEqual({ '{<base>:liquidate-31337}': expect.any(Number) })
})

test('behavior: a duplicate added while the job is active, and after it completed, does nothing', async () => {
  const jobQueue = newQueue()
  const worker = gatedWorker()
  const { id } = await jobQueue.add(liquidation())
  await until(() => worker.runs.get(id) === 1)

  await jobQueue.add(liquidation()) // while active
  expect(await jobQueue.jobCounts()).toMatchObject({ waiting: 0, active: 1 })

  worker.release()
  await until(async () => (await jobQueue.jobCounts()).completed === 1)
  await jobQueue.add(liquidation()) // after completion, within the retention window
  await new Promise((resolve) => setTimeout(resolve, 200))
  expect(await jobQueue.jobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 1 })
  expect(worker.runs.get(id)).toBe(1)
})

test('behavior: once the completed job is evicted by age, the same id can be added again', async () => {
  // BullMQ evicts aged jobs only when another job completes; the handler must then find the effect
  // already done on chain (that is what makes a late duplicate harmless).
  const jobQueue = newQueue({ removeOnComplete: { age: 1, count: 1_000 } })
  const worker = gatedWorker()
  worker.release()
  const { id } = await jobQueue.add(liquidation(7n))
  await until(async () => (await jobQueue.jobCounts()).completed === 1)
  await new Promise((resolve) => setTimeout(resolve, 2_100))
  await jobQueue.add(liquidation(8n)) // completing this one evicts the first
  await until(async () => (await jobQueue.queue.getJob(id)) === undefined)

  await jobQueue.add(liquidation(7n))
  await until(() => worker.runs.get(id) === 2)
})

test('behavior: an invalid payload or another chain is refused on add and nothing is stored', async () => {
  const jobQueue = newQueue()
  await expect(jobQueue.add({ ...liquidation(), sequence: -1n })).rejects.toBeInstanceOf(InvalidJobError)
  await expect(jobQueue.add(liquidation(7n, 1))).rejects.toThrowErrorMatchingInlineSnapshot(
    `[PermanentError: A liquidate job for chain 1 added to liquidate-31337]`,
  )
  expect(await jobQueue.jobCounts()).toMatchObject({ waiting: 0 })
})
