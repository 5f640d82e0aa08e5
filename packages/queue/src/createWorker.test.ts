import { type ChildProcess, spawn } from 'node:child_process'
import { PermanentError, RetryableError } from '@xmargin/errors'
import { Queue } from 'bullmq'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { builtScript } from './_test/builtScript.js'
import { CHAIN_ID, liquidation } from './_test/fixtures.js'
import { deleteQueues, freshBasePrefix, redisUrl, until } from './_test/redis.js'
import { createJobQueue, type JobQueue } from './createJobQueue.js'
import { type CreateWorkerParameters, createWorker, type JobOutcome, type JobWorker } from './createWorker.js'
import { AlreadyDoneError, RateLimitedError } from './errors.js'
import { deadLetterRef } from './queueRef.js'
import type { JobData } from './schemas.js'

let basePrefix: string
let jobQueue: JobQueue<'liquidate'>
let outcomes: JobOutcome[]
const opened: Array<{ close(): Promise<unknown> }> = []
const children: ChildProcess[] = []

beforeEach(() => {
  basePrefix = freshBasePrefix()
  outcomes = []
  // Fast retries so the tests take milliseconds: the first retry waits 10–20 ms.
  jobQueue = createJobQueue({
    kind: 'liquidate',
    chainId: CHAIN_ID,
    connection: redisUrl,
    basePrefix,
    defaults: { attempts: 3, backoffBaseMs: 20 },
  })
})
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  for (const item of opened.splice(0).reverse()) await item.close()
  await jobQueue.close()
  await deleteQueues(basePrefix)
})

function startWorker(
  handler: CreateWorkerParameters<'liquidate'>['handler'],
  options: Partial<CreateWorkerParameters<'liquidate'>> = {},
): JobWorker {
  const worker = createWorker({
    kind: 'liquidate',
    chainId: CHAIN_ID,
    connection: redisUrl,
    basePrefix,
    handler,
    onOutcome: (outcome) => outcomes.push(outcome),
    ...options,
  })
  opened.push(worker)
  return worker
}

const finished = (count: number) =>
  until(
    () => outcomes.filter((o) => ['completed', 'alreadyDone', 'failed'].includes(o.outcome)).length >= count,
  )

async function deadLetters() {
  const { name, prefix } = deadLetterRef({ basePrefix })
  const queue = new Queue(name, { connection: { url: redisUrl }, prefix })
  try {
    return (await queue.getWaiting()).map((job) => job.data as { jobId: string; failedReason: string })
  } finally {
    await queue.close()
  }
}

test('default: the handler receives the decoded payload and its job id', async () => {
  const seen: Array<{ data: JobData<'liquidate'>; jobId: string; attempt: number }> = []
  startWorker(async (data, { jobId, attempt }) => {
    seen.push({ data, jobId, attempt })
    return { hash: '0x01' }
  })
  const { id } = await jobQueue.add(liquidation())
  await finished(1)
  expect(seen).toEqual([{ data: liquidation(), jobId: id, attempt: 1 }])
  expect(outcomes.map((o) => [o.outcome, o.queue, o.jobId])).toEqual([['completed', 'liquidate-31337', id]])
  expect((await jobQueue.queue.getJob(id))?.returnvalue).toEqual({ hash: '0x01' })
})

test('behavior: a retryable error is retried with backoff until it succeeds', async () => {
  const startedAt: number[] = []
  startWorker(async () => {
    startedAt.push(Date.now())
    if (startedAt.length < 3) throw new RetryableError('node is behind')
  })
  const { id } = await jobQueue.add(liquidation())
  await finished(1)
  expect(outcomes.map((o) => [o.outcome, o.attempt])).toEqual([
    ['retrying', 1],
    ['retrying', 2],
    ['completed', 3],
  ])
  // First retry after 10–20 ms, the second after 20–40 ms (plus scheduling slack).
  expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(10)
  expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(20)
  expect(await jobQueue.queue.getJobState(id)).toBe('completed')
})

test('behavior: a permanent error fails at once and lands in the failed set and the dead letter', async () => {
  let runs = 0
  startWorker(async () => {
    runs++
    throw new PermanentError('AccountHealthy()')
  })
  const { id } = await jobQueue.add(liquidation())
  await finished(1)
  expect(runs).toBe(1)
  const job = await jobQueue.queue.getJob(id)
  expect([await job?.getState(), job?.attemptsMade, job?.failedReason]).toEqual([
    'failed',
    1,
    'AccountHealthy()',
  ])
  await until(async () => (await deadLetters()).length === 1)
  expect(await deadLetters()).toMatchObject([{ jobId: id, failedReason: 'AccountHealthy()' }])
})

test('behavior: an unknown error is retried until attempts run out, then fails', async () => {
  startWorker(async () => {
    throw new Error('socket hang up')
  })
  const { id } = await jobQueue.add(liquidation())
  await finished(1)
  expect(outcomes.map((o) => o.outcome)).toEqual(['retrying', 'retrying', 'failed'])
  expect((await jobQueue.queue.getJob(id))?.attemptsMade).toBe(3)
})

test('behavior: "already done" completes the job', async () => {
  startWorker(async () => {
    throw new AlreadyDoneError('AlreadyLiquidated')
  })
  const { id } = await jobQueue.add(liquidation())
  await finished(1)
  expect(outcomes.map((o) => o.outcome)).toEqual(['alreadyDone'])
  expect((await jobQueue.queue.getJob(id))?.returnvalue).toEqual({
    alreadyDone: true,
    reason: 'AlreadyLiquidated',
  })
})

test('behavior: a payload that fails validation when processed is not retried', async () => {
  let runs = 0
  startWorker(async () => {
    runs++
  })
  // Written behind the schema's back, as an old producer or a hand edit might.
  await jobQueue.queue.add(
    'liquidate',
    { chainId: CHAIN_ID, sequence: 'seven' },
    { jobId: 'liq-bad', attempts: 3 },
  )
  await finished(1)
  expect(runs).toBe(0)
  const job = await jobQueue.queue.getJob('liq-bad')
  expect(job?.attemptsMade).toBe(1)
  expect(job?.failedReason).toMatch(/^Invalid liquidate job payload\n/)
  expect(job?.failedReason).toContain('expected a uint64 as a decimal string\n  → at sequence')
})

test('behavior: a rate-limited job goes back without spending an attempt and the queue pauses', async () => {
  const startedAt: number[] = []
  startWorker(async () => {
    startedAt.push(Date.now())
    if (startedAt.length === 1) throw new RateLimitedError('429 from the RPC provider', { retryAfterMs: 400 })
  })
  const { id } = await jobQueue.add(liquidation())
  await finished(1)
  expect(outcomes.map((o) => o.outcome)).toEqual(['rateLimited', 'completed'])
  expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(350)
  // BullMQ counts finished runs in `attemptsMade`: only the successful one counted.
  expect((await jobQueue.queue.getJob(id))?.attemptsMade).toBe(1)
})

test('behavior: close waits for the running job, then closes', async () => {
  let finishedJob = false
  const worker = startWorker(async () => {
    await new Promise((resolve) => setTimeout(resolve, 500))
    finishedJob = true
  })
  const { id } = await jobQueue.add(liquidation())
  await until(async () => (await jobQueue.queue.getJobState(id)) === 'active')
  const started = Date.now()
  expect(await worker.close({ timeoutMs: 5_000 })).toEqual({ timedOut: false })
  expect(finishedJob).toBe(true)
  expect(Date.now() - started).toBeLessThan(2_000)
  expect(await jobQueue.queue.getJobState(id)).toBe('completed')
})

test('behavior: close gives up after its timeout, aborts the handler, and the job is left for another worker', async () => {
  let aborted = false
  const worker = startWorker(
    async (_data, { signal }) => {
      signal?.addEventListener('abort', () => {
        aborted = true
      })
      await new Promise(() => {}) // ignores the signal: never finishes
    },
    { lockDurationMs: 1_000, stalledIntervalMs: 300 },
  )
  const { id } = await jobQueue.add(liquidation())
  await until(async () => (await jobQueue.queue.getJobState(id)) === 'active')
  const started = Date.now()
  expect(await worker.close({ timeoutMs: 200 })).toEqual({ timedOut: true })
  expect(Date.now() - started).toBeLessThan(1_500)
  expect(aborted).toBe(true)

  // Its lock lapses; a new worker finds it stalled and runs it.
  startWorker(async () => {}, { lockDurationMs: 1_000, stalledIntervalMs: 300 })
  await until(async () => (await jobQueue.queue.getJobState(id)) === 'completed', 15_000)
})

test('behavior: a job whose worker process was SIGKILLed is picked up by another worker', async () => {
  const child = spawn(process.execPath, [builtScript('stallingWorker'), redisUrl, basePrefix], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  let stdout = ''
  child.stdout?.on('data', (chunk) => {
    stdout += chunk
  })
  await until(() => stdout.includes('ready'), 15_000)
  const { id } = await jobQueue.add(liquidation())
  await until(() => stdout.includes(`active ${id}`))
  child.kill('SIGKILL')
  await new Promise((resolve) => child.once('exit', resolve))
  expect(await jobQueue.queue.getJobState(id)).toBe('active') // still locked by the dead process

  const ranBy: string[] = []
  startWorker(
    async (_data, { jobId }) => {
      ranBy.push(jobId)
    },
    { lockDurationMs: 1_000, stalledIntervalMs: 300 },
  )
  await until(async () => (await jobQueue.queue.getJobState(id)) === 'completed', 15_000)
  expect(ranBy).toEqual([id])
  expect(outcomes.map((o) => o.outcome)).toEqual(['stalled', 'completed'])
})
