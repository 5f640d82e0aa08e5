import { createJobQueue, type JobQueue } from '@xmargin/queue'
import { Redis } from 'ioredis'
import { parseGwei } from 'viem'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { liquidationCounts } from './_test/chainReads.js'
import { testSettings } from './_test/keeperSettings.js'
import { deletePrefix, freshPrefix, redisUrl, until } from './_test/redis.js'
import { liquidationJob, newAccounts, openLongs, setEthPrice, signHealth } from './_test/seed.js'
import { type KeeperDevnet, setupKeeperDevnet, type TestChain } from './_test/setupKeeperDevnet.js'
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

const CAP = parseGwei('20')

/** A keeper that bumps after half a second, never above CAP, and a liquidatable account with its job. */
async function setup(): Promise<{
  chain: TestChain
  keeper: Keeper
  queue: JobQueue<'liquidate'>
  prefix: string
}> {
  const chain = net.chains[0]!
  const [account] = newAccounts(1)
  await openLongs(chain, { accounts: [account!], counterparty: net.counterparty, signers: net.relaySigners })
  await setEthPrice(chain, 2_500)
  const signed = await signHealth(chain, { account: account!, sequence: 1n, signers: net.relaySigners })
  const prefix = freshPrefix()
  const keeper = createKeeper({
    settings: testSettings({
      deploymentPath: net.deploymentPath,
      prefix,
      keys: [net.keeperKeys[0]],
      overrides: { chains: [chain.chainId], tx: { bumpAfterMs: 500, maxFeePerGasCap: CAP } },
    }),
  })
  const queue = createJobQueue({
    kind: 'liquidate',
    chainId: chain.chainId,
    connection: redisUrl,
    basePrefix: prefix,
  })
  cleanups.push(async () => {
    await queue.close()
    await deletePrefix(redis, prefix)
  })
  cleanups.push(() => keeper.stop())
  await keeper.start()
  // Mining stops: whatever the keeper sends stays in the pool until the test resumes it.
  await chain.test.setAutomine(false)
  await chain.test.setIntervalMining({ interval: 0 })
  await queue.add(liquidationJob(chain, signed))
  return { chain, keeper, queue, prefix }
}

async function metricValue(keeper: Keeper, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await keeper.metrics.registry.getSingleMetric(name)?.get()
  return (
    metric?.values.find((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v))?.value ??
    0
  )
}

test('default: with mining paused, the stuck liquidation is bumped within the cap and lands once mining resumes', async () => {
  const { chain, keeper, queue } = await setup()
  const engine = keeper.chains().find((c) => c.chainId === chain.chainId)!.engine!
  const jobId = (await queue.queue.getJobs(['active', 'waiting']))[0]!.id!
  await until(
    async () => ((await engine.ledger.lookupIntent(jobId))?.attempts.length ?? 0) >= 3,
    20_000,
    'two bumps',
  )
  await chain.test.setAutomine(true)
  await chain.test.mine({ blocks: 1 })

  await until(async () => (await queue.jobCounts()).completed === 1, 30_000, 'the liquidation to land')
  const record = (await engine.ledger.lookupIntent(jobId))!
  const fees = record.attempts.map((attempt) => attempt.maxFeePerGas)
  for (let i = 1; i < fees.length; i++) expect(fees[i]! > fees[i - 1]!).toBe(true)
  for (const fee of fees) expect(fee <= CAP).toBe(true)
  const done = await queue.queue.getJob(jobId)
  expect(record.attempts.map((attempt) => attempt.hash)).toContain(done!.returnvalue.txHash)
  expect([...(await liquidationCounts(chain)).values()]).toEqual([1])
  expect(await metricValue(keeper, 'keeper_tx_replaced_total', { chain: String(chain.chainId) })).toBe(
    record.attempts.length - 1,
  )
})

test('behavior: a liquidation the node dropped (anvil_dropTransaction) is sent again and lands', async () => {
  const { chain, keeper, queue } = await setup()
  const engine = keeper.chains().find((c) => c.chainId === chain.chainId)!.engine!
  const jobId = (await queue.queue.getJobs(['active', 'waiting']))[0]!.id!
  await until(
    async () => ((await engine.ledger.lookupIntent(jobId))?.attempts.length ?? 0) >= 1,
    20_000,
    'a broadcast',
  )
  const [attempt] = (await engine.ledger.lookupIntent(jobId))!.attempts
  await chain.test.dropTransaction({ hash: attempt!.hash })
  await until(
    async () => (await metricValue(keeper, 'keeper_tx_events_total', { type: 'rebroadcast' })) >= 1,
    20_000,
    'a re-broadcast',
  )
  await chain.test.setAutomine(true)
  await chain.test.mine({ blocks: 1 })

  await until(async () => (await queue.jobCounts()).completed === 1, 30_000, 'the liquidation to land')
  expect([...(await liquidationCounts(chain)).values()]).toEqual([1])
  const done = await queue.queue.getJob(jobId)
  expect(done!.returnvalue).toMatchObject({ outcome: 'liquidated' })
})
