import { riskGuardAbi } from '@xmargin/contracts'
import { createJobQueue, jobId } from '@xmargin/queue'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { liquidatedEvents } from './_test/chainReads.js'
import { testSettings } from './_test/keeperSettings.js'
import { deletePrefix, freshPrefix, redisUrl, until } from './_test/redis.js'
import { liquidationJob, newAccounts, openLongs, setEthPrice, signHealth } from './_test/seed.js'
import { type KeeperDevnet, setupKeeperDevnet } from './_test/setupKeeperDevnet.js'
import { createKeeper } from './service.js'

let net: KeeperDevnet
let redis: Redis

beforeAll(async () => {
  net = await setupKeeperDevnet()
  redis = new Redis(redisUrl)
})
afterAll(async () => {
  redis.disconnect()
  await net?.cleanup()
})

test('behavior: an unprofitable liquidation is skipped with its reason in the metrics, flagged, and runs once the auction makes it pay; bad debt runs at once', async () => {
  const chain = net.chains[0]!
  const [small, insolvent] = newAccounts(2) as [`0x${string}`, `0x${string}`]
  await openLongs(chain, {
    accounts: [small, insolvent],
    counterparty: net.counterparty,
    signers: net.relaySigners,
  })
  await setEthPrice(chain, 2_500)
  // Both close 1 ETH at $2 500: penalty 1 % ($25), reward half of it ($12.50), gas about $2 — below the
  // operator's $20 minimum profit. The second attestation says equity < 0: its bad debt grows while it waits.
  const smallJob = liquidationJob(
    chain,
    await signHealth(chain, { account: small, sequence: 1n, signers: net.relaySigners }),
  )
  const insolventJob = liquidationJob(
    chain,
    await signHealth(chain, { account: insolvent, sequence: 1n, signers: net.relaySigners, equityUsd: -50 }),
  )
  const prefix = freshPrefix()
  const queue = createJobQueue({
    kind: 'liquidate',
    chainId: chain.chainId,
    connection: redisUrl,
    basePrefix: prefix,
  })
  const keeper = createKeeper({
    settings: testSettings({
      deploymentPath: net.deploymentPath,
      prefix,
      keys: [net.keeperKeys[0]],
      overrides: { chains: [chain.chainId], liquidation: { minProfitUsd: 20, retryDelayMs: 500 } },
    }),
  })
  try {
    await keeper.start()
    await queue.add(smallJob)
    await queue.add(insolventJob)

    const insolventId = jobId('liquidate', insolventJob)
    const smallId = jobId('liquidate', smallJob)
    await until(
      async () => (await queue.queue.getJob(insolventId))?.returnvalue != null,
      30_000,
      'the bad debt',
    )
    const metric = () => keeper.metrics.registry.getSingleMetricAsString('keeper_liquidation_skipped_total')
    await until(async () => (await metric()).includes('reason="unprofitable"'), 30_000, 'a skip')
    expect(await metric()).toContain(
      `keeper_liquidation_skipped_total{chain="${chain.chainId}",reason="unprofitable"}`,
    )
    expect((await queue.queue.getJob(insolventId))?.returnvalue).toMatchObject({ outcome: 'liquidated' })
    expect(await liquidatedEvents(chain, insolvent)).toHaveLength(1)
    expect(await liquidatedEvents(chain, small)).toHaveLength(0)
    // Skipped, not failed: the job waits to be looked at again, without spending attempts.
    const waiting = await queue.queue.getJob(smallId)
    expect(['delayed', 'waiting', 'active']).toContain(await waiting!.getState())
    expect(waiting!.attemptsMade).toBe(0)
    // The keeper started the Dutch auction, so the reward grows while it waits.
    const flagged = () =>
      chain.publicClient.readContract({
        address: chain.contracts.riskGuard,
        abi: riskGuardAbi,
        functionName: 'flaggedAt',
        args: [small],
      })
    await until(async () => (await flagged()) > 0n, 30_000, 'the account to be flagged')

    // Ten minutes later the discount is at its 5 % maximum: a $62.50 reward pays; the same job runs.
    await chain.test.increaseTime({ seconds: 600 })
    await chain.test.mine({ blocks: 1 })
    await until(
      async () => (await queue.queue.getJob(smallId))?.returnvalue != null,
      30_000,
      'the small liquidation',
    )
    const [event] = await liquidatedEvents(chain, small)
    expect(event!.args.discount).toBe(5n * 10n ** 16n)
    expect(event!.args.rewardUsd).toBe(625n * 10n ** 17n)
    const counts = await queue.jobCounts()
    expect([counts.completed, counts.failed, counts.delayed, counts.active]).toEqual([2, 0, 0, 0])
  } finally {
    await keeper.stop()
    await queue.close()
    await deletePrefix(redis, prefix)
  }
})
