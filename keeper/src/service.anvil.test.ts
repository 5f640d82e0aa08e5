import { riskGuardAbi } from '@xmargin/contracts'
import { createJobQueue, type JobQueue, jobId } from '@xmargin/queue'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { liquidationCounts } from './_test/chainReads.js'
import { testSettings, testSettingsInput } from './_test/keeperSettings.js'
import { deletePrefix, freshPrefix, redisUrl, until } from './_test/redis.js'
import { liquidationJob, newAccounts, openLongs, setEthPrice, signHealth } from './_test/seed.js'
import { type KeeperDevnet, setupKeeperDevnet } from './_test/setupKeeperDevnet.js'
import { spawnKeeper } from './_test/spawnKeeper.js'
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

function queueOf<kind extends 'liquidate' | 'postAttestation'>(
  kind: kind,
  chainId: number,
  prefix: string,
): JobQueue<kind> {
  const queue = createJobQueue({ kind, chainId, connection: redisUrl, basePrefix: prefix })
  cleanups.push(async () => {
    await queue.close()
    await deletePrefix(redis, prefix)
  })
  return queue
}

async function startKeeper(prefix: string): Promise<Keeper> {
  const keeper = createKeeper({
    settings: testSettings({ deploymentPath: net.deploymentPath, prefix, keys: [net.keeperKeys[0]] }),
  })
  cleanups.push(() => keeper.stop())
  await keeper.start()
  return keeper
}

test('default: attestations are posted once on every chain; a duplicate is done; /readyz and /metrics answer', async () => {
  const prefix = freshPrefix()
  const keeper = await startKeeper(prefix)
  const [account] = newAccounts(1)
  const queues = net.chains.map((chain) => queueOf('postAttestation', chain.chainId, prefix))
  for (const [i, chain] of net.chains.entries()) {
    const signed = await signHealth(chain, {
      account: account!,
      sequence: 5n,
      signers: net.relaySigners,
      equityUsd: 2_000,
    })
    await queues[i]!.add({ chainId: chain.chainId, account: account!, sequence: 5n, ...signed })
  }
  for (const queue of queues)
    await until(async () => (await queue.jobCounts()).completed === 1, 30_000, 'posts')
  for (const chain of net.chains)
    expect(
      await chain.publicClient.readContract({
        address: chain.contracts.riskGuard,
        abi: riskGuardAbi,
        functionName: 'lastSequence',
        args: [account!],
      }),
    ).toBe(5n)
  // The same post again (its completed job gone): RiskGuard already holds it.
  const [done] = await queues[0]!.queue.getJobs(['completed'])
  expect(done!.returnvalue).toMatchObject({ outcome: 'posted' })
  const data = done!.data
  await done!.remove()
  await queues[0]!.queue.add('postAttestation', data, { jobId: done!.id! })
  await until(async () => (await queues[0]!.jobCounts()).completed === 1, 30_000, 'the duplicate')
  expect((await queues[0]!.queue.getJob(done!.id!))!.returnvalue).toEqual({
    alreadyDone: true,
    reason: 'alreadyPosted',
  })

  const ready = await fetch(`${keeper.url()}/readyz`)
  expect(ready.status).toBe(200)
  const metrics = await (await fetch(`${keeper.url()}/metrics`)).text()
  for (const name of [
    'keeper_jobs{queue="postAttestation-31337",state="completed"} 1',
    'keeper_attestations_total{chain="31337",outcome="posted"} 1',
    'keeper_attestations_total{chain="31337",outcome="alreadyPosted"} 1',
    'keeper_signer_balance_wei{chain="31337",signer=',
    'keeper_tx_pending{chain="31337",signer=',
    'keeper_tx_events_total{chain="31337",type="broadcast"}',
    'keeper_job_runs_total{queue="postAttestation-31337",outcome="alreadyDone"} 1',
  ])
    expect(metrics).toContain(name)
})

test('behavior: a second keeper with the same keys stands by (206) and takes over when the first stops on SIGTERM (exit 0)', async () => {
  const chain = net.chains[0]!
  const prefix = freshPrefix()
  const first = await spawnKeeper({
    settings: testSettingsInput({ deploymentPath: net.deploymentPath, prefix, keys: [] }),
    keys: [net.keeperKeys[0]],
  })
  cleanups.push(() => first.kill())
  const second = await startKeeper(prefix)
  expect((await second.readiness()).status).toBe('degraded')
  const standby = await fetch(`${second.url()}/readyz`)
  expect(standby.status).toBe(206)
  expect(JSON.stringify(await standby.json())).toContain('standby: another keeper holds the signers')

  expect(await first.stop()).toBe(0)
  await until(async () => (await second.readiness()).status === 'ready', 30_000, 'the standby to take over')
  const [account] = newAccounts(1)
  await openLongs(chain, { accounts: [account!], counterparty: net.counterparty, signers: net.relaySigners })
  await setEthPrice(chain, 2_500)
  const job = liquidationJob(
    chain,
    await signHealth(chain, { account: account!, sequence: 1n, signers: net.relaySigners }),
  )
  const queue = queueOf('liquidate', chain.chainId, prefix)
  await queue.add(job)
  await until(async () => (await queue.jobCounts()).completed === 1, 30_000, 'the liquidation')
  expect((await queue.queue.getJob(jobId('liquidate', job)))!.returnvalue).toMatchObject({
    outcome: 'liquidated',
  })
  expect([...(await liquidationCounts(chain)).values()]).toEqual([1])
  await second.stop()
  expect((await second.readiness()).status).toBe('notReady')
})
