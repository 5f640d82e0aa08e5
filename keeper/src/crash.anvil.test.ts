import { createJobQueue } from '@xmargin/queue'
import { createLedger } from '@xmargin/tx'
import { Redis } from 'ioredis'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { liquidationCounts, nonceState } from './_test/chainReads.js'
import { testSettingsInput } from './_test/keeperSettings.js'
import { deletePrefix, freshPrefix, redisUrl, sleep, until } from './_test/redis.js'
import { liquidationJob, newAccounts, openLongs, setEthPrice, signHealth } from './_test/seed.js'
import { type KeeperDevnet, setupKeeperDevnet } from './_test/setupKeeperDevnet.js'
import { type KeeperProcess, spawnKeeper } from './_test/spawnKeeper.js'

const LIQUIDATIONS = 50
const KILLS = 20

let net: KeeperDevnet
let redis: Redis
const processes = new Set<KeeperProcess>()

beforeAll(async () => {
  net = await setupKeeperDevnet()
  redis = new Redis(redisUrl)
})
afterAll(async () => {
  await Promise.all([...processes].map((keeper) => keeper.kill()))
  redis.disconnect()
  await net?.cleanup()
})

/** Jobs a keeper process logged as sent and not yet as liquidated: a kill now lands between broadcast and receipt. */
function inFlight(keeper: KeeperProcess): number {
  const sent = new Set<string>()
  for (const line of keeper.lines) {
    if (line.includes('"liquidation sent"')) sent.add(JSON.parse(line).jobId)
    if (line.includes('"msg":"liquidated"')) sent.delete(JSON.parse(line).jobId)
  }
  return sent.size
}

test('behavior: 20 SIGKILLs at random moments across 50 liquidations: each happens once, no nonce gap, no job active or lost', async () => {
  const chain = net.chains[0]!
  const accounts = newAccounts(LIQUIDATIONS)
  await openLongs(chain, { accounts, counterparty: net.counterparty, signers: net.relaySigners })
  await setEthPrice(chain, 2_500)
  const jobs = []
  for (const account of accounts)
    jobs.push(
      liquidationJob(chain, await signHealth(chain, { account, sequence: 1n, signers: net.relaySigners })),
    )
  // A block a second: most kills land between a broadcast and its receipt.
  await chain.test.setAutomine(false)
  await chain.test.setIntervalMining({ interval: 1 })

  const prefix = freshPrefix()
  const queue = createJobQueue({
    kind: 'liquidate',
    chainId: chain.chainId,
    connection: redisUrl,
    basePrefix: prefix,
  })
  const settings = testSettingsInput({
    deploymentPath: net.deploymentPath,
    prefix,
    keys: [],
    overrides: {
      chains: [chain.chainId],
      // A killed keeper's jobs move on quickly and may stall any number of times (handlers are idempotent).
      workers: {
        liquidateConcurrency: 4,
        lockDurationMs: 2_000,
        stalledIntervalMs: 1_000,
        maxStalledCount: 1_000,
      },
      // Its signer lease lapses quickly, so its restart takes the signer back and recovers the ledger.
      tx: { leaseTtlMs: 1_500, leaseWaitMs: 5_000, pollIntervalMs: 200, receiptPollMs: 50 },
    },
  })
  const start = async (key: string) => {
    const keeper = await spawnKeeper({ settings, keys: [key] })
    processes.add(keeper)
    return keeper
  }
  const slots = await Promise.all(net.keeperKeys.map(async (key) => ({ key, keeper: await start(key) })))

  // Jobs arrive in step with the kills (2–3 before each), so every kill falls in a busy run.
  let kills = 0
  let betweenBroadcastAndReceipt = 0
  let added = 0
  while (kills < KILLS) {
    const batch = jobs.slice(added, added + Math.ceil((jobs.length - added) / (KILLS - kills)))
    added += batch.length
    await Promise.all(batch.map((job) => queue.add(job)))
    // The next process to broadcast something is killed a random moment (0–400 ms) later.
    const seen = slots.map((slot) => slot.keeper.lines.length)
    let victim = slots[Math.floor(Math.random() * slots.length)]!
    await until(() => {
      const index = slots.findIndex((slot, i) =>
        slot.keeper.lines.slice(seen[i]).some((line) => line.includes('"tx broadcast"')),
      )
      if (index >= 0) victim = slots[index]!
      return index >= 0
    }, 5_000).catch(() => undefined)
    await sleep(Math.floor(Math.random() * 400))
    if (inFlight(victim.keeper) > 0) betweenBroadcastAndReceipt++
    await victim.keeper.kill()
    processes.delete(victim.keeper)
    kills++
    victim.keeper = await start(victim.key)
  }
  expect(added).toBe(LIQUIDATIONS)

  await until(
    async () => (await queue.jobCounts()).completed === LIQUIDATIONS,
    180_000,
    'every job to complete',
  )
  // Every liquidation happened exactly once.
  const onChain = await liquidationCounts(chain)
  expect(onChain.size).toBe(LIQUIDATIONS)
  expect([...onChain.values()].every((count) => count === 1)).toBe(true)
  // No job left active, waiting, delayed or failed; none lost.
  const counts = await queue.jobCounts()
  expect([counts.completed, counts.active, counts.waiting, counts.delayed, counts.failed]).toEqual([
    LIQUIDATIONS,
    0,
    0,
    0,
    0,
  ])
  // No nonce gap: what each signer mined is contiguous with what the ledger hands out next, nothing pending.
  const ledger = createLedger({ redis, prefix, chainId: chain.chainId, recordTtlMs: 60_000 })
  for (const key of net.keeperKeys) {
    const signer = privateKeyToAccount(key as `0x${string}`).address
    await until(
      async () => {
        const state = await nonceState(chain, signer)
        const live = await ledger.live(signer)
        return (
          state.latest === state.pending &&
          state.pool.pending === '0x0' &&
          (await ledger.next(signer)) === state.latest &&
          (await ledger.free(signer)).length === 0 &&
          live.every((record) => record.state !== 'reserved' && record.state !== 'broadcast')
        )
      },
      30_000,
      `signer ${signer} to settle with no gap`,
    )
  }
  expect(kills).toBe(KILLS)
  console.log(`${kills} kills, ${betweenBroadcastAndReceipt} of them between a broadcast and its receipt`)
  expect(betweenBroadcastAndReceipt).toBeGreaterThanOrEqual(10)
  for (const slot of slots) {
    processes.delete(slot.keeper)
    expect(await slot.keeper.stop()).toBe(0)
  }
  await queue.close()
  await deletePrefix(redis, prefix)
})
