import { createJobQueue, type JobQueue, jobId } from '@xmargin/queue'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { liquidationCounts } from './_test/chainReads.js'
import { testSettings, testSettingsInput } from './_test/keeperSettings.js'
import { deletePrefix, freshPrefix, redisUrl, until } from './_test/redis.js'
import { liquidationJob, newAccounts, openLongs, setEthPrice, signHealth } from './_test/seed.js'
import { type KeeperDevnet, setupKeeperDevnet } from './_test/setupKeeperDevnet.js'
import { type KeeperProcess, spawnKeeper } from './_test/spawnKeeper.js'
import { createKeeper, type Keeper } from './service.js'

let net: KeeperDevnet
let redis: Redis
const cleanups: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  net = await setupKeeperDevnet()
  redis = new Redis(redisUrl)
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await net.reset()
})
afterAll(async () => {
  redis.disconnect()
  await net?.cleanup()
})

async function startKeeper(prefix: string): Promise<Keeper> {
  const keeper = createKeeper({
    settings: testSettings({ deploymentPath: net.deploymentPath, prefix, keys: [net.keeperKeys[0]] }),
  })
  cleanups.push(() => keeper.stop())
  await keeper.start()
  return keeper
}

function liquidations(chainId: number, prefix: string): JobQueue<'liquidate'> {
  const queue = createJobQueue({ kind: 'liquidate', chainId, connection: redisUrl, basePrefix: prefix })
  cleanups.push(async () => {
    await queue.close()
    await deletePrefix(redis, prefix)
  })
  return queue
}

test('default: a liquidation job ends in exactly one on-chain liquidation, also when added twice', async () => {
  const chain = net.chains[0]!
  const [account] = newAccounts(1)
  await openLongs(chain, { accounts: [account!], counterparty: net.counterparty, signers: net.relaySigners })
  await setEthPrice(chain, 2_500)
  const signed = await signHealth(chain, { account: account!, sequence: 1n, signers: net.relaySigners })
  const prefix = freshPrefix()
  const queue = liquidations(chain.chainId, prefix)
  const job = liquidationJob(chain, signed)
  const first = await queue.add(job)
  const second = await queue.add(job)
  expect(second.id).toBe(first.id)
  const keeper = await startKeeper(prefix)

  await until(async () => (await queue.jobCounts()).completed === 1, 30_000, 'the job to complete')
  const counts = await queue.jobCounts()
  expect([counts.completed, counts.active, counts.waiting, counts.delayed, counts.failed]).toEqual([
    1, 0, 0, 0, 0,
  ])
  expect([...(await liquidationCounts(chain)).values()]).toEqual([1])
  const done = await queue.queue.getJob(first.id)
  expect(done?.returnvalue).toMatchObject({ outcome: 'liquidated', account, sequence: '1', reused: false })
  // The keeper signer was paid its reward in USDC.
  const metrics = await keeper.metrics.registry.getSingleMetricAsString('keeper_liquidations_total')
  expect(metrics).toContain(`keeper_liquidations_total{chain="${chain.chainId}",outcome="liquidated"} 1`)

  // Once the completed job is gone (retention), the same job runs again and finds it done on chain.
  await done!.remove()
  await queue.add(job)
  await until(async () => (await queue.jobCounts()).completed === 1, 30_000, 'the duplicate to complete')
  const again = await queue.queue.getJob(first.id)
  expect(again?.returnvalue).toMatchObject({ outcome: 'liquidated', reused: true })
  expect([...(await liquidationCounts(chain)).values()]).toEqual([1])
})

/** N liquidatable accounts on `chain` with signed attestations (sequence 1) and their jobs. */
async function liquidatable(count: number) {
  const chain = net.chains[0]!
  const accounts = newAccounts(count)
  await openLongs(chain, { accounts, counterparty: net.counterparty, signers: net.relaySigners })
  await setEthPrice(chain, 2_500)
  const jobs = []
  for (const account of accounts)
    jobs.push(
      liquidationJob(chain, await signHealth(chain, { account, sequence: 1n, signers: net.relaySigners })),
    )
  return { chain, accounts, jobs }
}

async function keeperProcess(prefix: string, key: string): Promise<KeeperProcess> {
  const keeper = await spawnKeeper({
    settings: testSettingsInput({ deploymentPath: net.deploymentPath, prefix, keys: [] }),
    keys: [key],
  })
  cleanups.push(async () => expect(await keeper.stop()).toBe(0))
  return keeper
}

test('behavior: two keeper processes on one Redis, every job added twice by two producers: one liquidation each', async () => {
  const { chain, jobs } = await liquidatable(12)
  const prefix = freshPrefix()
  const producerA = liquidations(chain.chainId, prefix)
  const producerB = liquidations(chain.chainId, prefix)
  await Promise.all([keeperProcess(prefix, net.keeperKeys[0]), keeperProcess(prefix, net.keeperKeys[1])])
  await Promise.all(jobs.flatMap((job) => [producerA.add(job), producerB.add(job)]))

  await until(
    async () => (await producerA.jobCounts()).completed === jobs.length,
    60_000,
    'every job to complete',
  )
  const counts = await producerA.jobCounts()
  expect([counts.active, counts.waiting, counts.delayed, counts.failed]).toEqual([0, 0, 0, 0])
  const onChain = await liquidationCounts(chain)
  expect(onChain.size).toBe(jobs.length)
  expect([...onChain.values()].every((count) => count === 1)).toBe(true)
})

test('behavior: two keeper fleets (separate Redis prefixes) race for the same liquidations: each happens once', async () => {
  const { chain, jobs } = await liquidatable(12)
  const [prefixA, prefixB] = [freshPrefix(), freshPrefix()]
  const [queueA, queueB] = [liquidations(chain.chainId, prefixA), liquidations(chain.chainId, prefixB)]
  await Promise.all([keeperProcess(prefixA, net.keeperKeys[0]), keeperProcess(prefixB, net.keeperKeys[1])])
  await Promise.all(jobs.flatMap((job) => [queueA.add(job), queueB.add(job)]))

  const settled = async (queue: JobQueue<'liquidate'>) => (await queue.jobCounts()).completed === jobs.length
  await until(async () => (await settled(queueA)) && (await settled(queueB)), 60_000, 'both fleets to finish')
  for (const queue of [queueA, queueB]) expect((await queue.jobCounts()).failed).toBe(0)
  const onChain = await liquidationCounts(chain)
  expect(onChain.size).toBe(jobs.length)
  expect([...onChain.values()].every((count) => count === 1)).toBe(true)
  // Every job completed; where the other fleet won, the job says so instead of sending a second transaction.
  const results = await Promise.all(
    [queueA, queueB].flatMap((queue) =>
      jobs.map(async (job) => (await queue.queue.getJob(jobId('liquidate', job)))?.returnvalue),
    ),
  )
  const won = results.filter((result) => result?.outcome === 'liquidated').length
  const lost = results.filter((result) => result?.alreadyDone).length
  expect([won, lost]).toEqual([jobs.length, jobs.length])
})
