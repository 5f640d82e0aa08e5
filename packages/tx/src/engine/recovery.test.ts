import { type ChildProcess, spawn } from 'node:child_process'
import { Redis } from 'ioredis'
import { type Hex, keccak256 } from 'viem'
import { afterEach, expect, test } from 'vitest'
import { builtScript } from '../_test/builtScript.js'
import { actData, faultyClient, minedBy, type TestChain, targetState } from '../_test/chain.js'
import { redisUrl, sleep, until } from '../_test/redis.js'
import { BroadcastUnavailableError } from '../errors.js'
import { createLedger } from '../ledger/createLedger.js'
import { FAST_POLICY, useEngineTest } from './_engineTest.js'
import type { TxEngine } from './createTxEngine.js'

const t = useEngineTest(31403)
const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
})

/** Simulates a crash: the engine's Redis connection dies with it, so its leases are left to lapse. */
async function crash(engine: TxEngine, redis: Redis): Promise<void> {
  redis.disconnect()
  await engine.stop({ timeoutMs: 0 })
}

/** Exactly-once and no-gap checks for `signer` after everything settled. */
async function expectSettled(
  chain: TestChain,
  signer: `0x${string}`,
  ids: readonly bigint[],
  next: number | undefined,
) {
  const mined = await minedBy(chain, signer)
  const acts = mined.filter((tx) => tx.to?.toLowerCase() === chain.target.toLowerCase()).map((tx) => tx.input)
  // Every id acted on exactly once, nothing else called the target.
  expect(acts.sort()).toEqual(ids.map(actData).sort())
  expect((await targetState(chain, ids)).done.every(Boolean)).toBe(true)
  // Contiguous nonces, an empty pool, and a ledger that hands out the chain's next nonce.
  expect(mined.map((tx) => tx.nonce)).toEqual(mined.map((_, i) => i))
  const latest = await chain.client.getTransactionCount({ address: signer, blockTag: 'latest' })
  expect(await chain.client.getTransactionCount({ address: signer, blockTag: 'pending' })).toBe(latest)
  expect(await chain.client.request({ method: 'txpool_status' } as never)).toEqual({
    pending: '0x0',
    queued: '0x0',
  })
  expect(next).toBe(latest)
  return mined
}

test('default: after a crash at every point of a submission, a fresh engine recovers with no gap and no double send', async () => {
  const signer = t.chain.signers[0]!
  const redisA = new Redis(redisUrl)
  const a = t.engine({ redis: redisA, holderId: 'crashed' })
  await a.start()
  await t.chain.pause()
  // Broadcast, not mined: the usual case of "killed between broadcast and receipt".
  const sent = new Map<string, Hex>()
  for (const id of [0n, 1n, 2n, 3n]) {
    const tx = await a.submit({ intentId: `c-${id}`, to: t.chain.target, data: actData(id) })
    sent.set(`c-${id}`, tx.hash)
  }
  // The process dies. What it left, written here with its lease (which outlives it for a while):
  await crash(a, redisA)
  const ledger = createLedger({
    redis: t.redis,
    prefix: t.prefix,
    chainId: t.chain.chainId,
    recordTtlMs: 60_000,
  })
  const lease = (await ledger.acquireLease(signer.address, 'crashed', 60_000))!
  expect(lease.fence).toBe(1) // still the crashed holder's lease
  // ...a submission that had reserved nonce 4 and not signed yet,
  const call = (id: bigint) => ({ to: t.chain.target, data: actData(id), value: 0n, gas: 100_000n })
  await ledger.reserve(signer.address, lease, { intentId: 'c-4', kind: 'call', call: call(4n) })
  // ...one that had signed and recorded nonce 5 and not sent it yet,
  await ledger.reserve(signer.address, lease, { intentId: 'c-5', kind: 'call', call: call(5n) })
  const raw = await signer.signTransaction({
    chainId: t.chain.chainId,
    type: 'eip1559',
    nonce: 5,
    ...call(5n),
    maxFeePerGas: 10n ** 10n,
    maxPriorityFeePerGas: 10n ** 9n,
  })
  const attempt = {
    hash: keccak256(raw),
    raw,
    maxFeePerGas: 10n ** 10n,
    maxPriorityFeePerGas: 10n ** 9n,
    cancel: false,
  }
  expect(
    await ledger.attach(signer.address, 5, lease, 0, [{ ...attempt, fence: lease.fence, at: Date.now() }]),
  ).toBe('ok')
  sent.set('c-5', attempt.hash)
  // ...and the node has since forgotten one of the broadcast ones.
  await t.chain.test.dropTransaction({ hash: sent.get('c-1')! })
  await t.redis.pexpire(ledger.keys.lease(signer.address), 1_500) // the crashed holder's lease runs out

  const b = t.engine({ holderId: 'fresh', policy: { leaseWaitMs: 5_000 } })
  await b.start()
  await until(() => b.heldSigners().length === 1, 5_000, 'the lease')
  const ids = [0n, 1n, 2n, 3n, 4n, 5n]
  const txs = await Promise.all(
    ids.map((id) => b.submit({ intentId: `c-${id}`, to: t.chain.target, data: actData(id) })),
  )
  // What was signed before the crash is what goes out; only the never-signed intent is sent anew.
  for (const tx of txs)
    if (sent.has(tx.intentId))
      expect([tx.intentId, tx.hash, tx.reused]).toEqual([tx.intentId, sent.get(tx.intentId), true])
  expect(txs.find((tx) => tx.intentId === 'c-4')).toMatchObject({ reused: false, nonce: 6 })

  await t.chain.resume()
  await Promise.all(txs.map((tx) => tx.wait()))
  await b.reconcile()
  const mined = await expectSettled(t.chain, signer.address, ids, await b.ledger.next(signer.address))
  // Nonce 4 (reserved, never signed) was filled so that 5 could be mined.
  expect(mined.find((tx) => tx.nonce === 4)).toMatchObject({ to: signer.address, input: '0x' })
  // Re-sent: the dropped one and the never-sent one (anvil also drops a dropped transaction's successors).
  expect(b.metrics().counters.rebroadcast).toBeGreaterThanOrEqual(2)
  expect(b.metrics().counters).toMatchObject({ released: 1, nonceGaps: 1, broadcast: 1 })
})

test('behavior: an answer lost after the node took the transaction is not sent twice', async () => {
  let lose = true
  const client = faultyClient(t.chain.rpcUrl, (method) => {
    if (method !== 'eth_sendRawTransaction' || !lose) return undefined
    lose = false
    return 'after' // the node has it (and automine mined it); we never hear back
  })
  const engine = t.engine({ client })
  await engine.start()
  const tx = await engine.submit({ intentId: 'lost-answer', to: t.chain.target, data: actData(1n) })
  await tx.wait()
  expect(await minedBy(t.chain, t.chain.signers[0]!.address)).toHaveLength(1)
  expect((await targetState(t.chain)).count).toBe(1n)
})

test('behavior: a node that never answered: the signed transaction is kept, re-sent after the crash, and not duplicated', async () => {
  let reachable = false
  const client = faultyClient(t.chain.rpcUrl, (method) =>
    method === 'eth_sendRawTransaction' && !reachable ? 'before' : undefined,
  )
  const redisA = new Redis(redisUrl)
  const a = t.engine({ client, redis: redisA })
  await a.start()
  const failed = await a
    .submit({ intentId: 'unanswered', to: t.chain.target, data: actData(1n) })
    .catch((e) => e)
  expect(failed).toBeInstanceOf(BroadcastUnavailableError)
  const record = (await a.ledger.lookupIntent('unanswered'))!
  expect(record).toMatchObject({ state: 'reserved', nonce: 0 })
  expect(record.attempts).toHaveLength(1)
  reachable = true
  await t.redis.pexpire(a.ledger.keys.lease(t.chain.signers[0]!.address), 300)
  await crash(a, redisA)

  const b = t.engine({ policy: { leaseWaitMs: 5_000 } })
  await b.start()
  const again = await b.submit({ intentId: 'unanswered', to: t.chain.target, data: actData(1n) })
  expect([again.hash, again.reused]).toEqual([record.attempts[0]!.hash, true])
  await again.wait()
  expect(await minedBy(t.chain, t.chain.signers[0]!.address)).toHaveLength(1)
})

test('behavior: a keeper process SIGKILLed again and again mid-flight: every act happens once and no nonce gap remains', async () => {
  const signer = t.chain.signers[0]!
  const ids = Array.from({ length: 30 }, (_, i) => i)
  const config = {
    rpcUrl: t.chain.rpcUrl,
    redisUrl,
    prefix: t.prefix,
    chainId: t.chain.chainId,
    target: t.chain.target,
    signer: 0,
    ids,
    concurrency: 6,
    wait: true,
    policy: { ...FAST_POLICY, leaseTtlMs: 800, leaseWaitMs: 5_000 },
  }
  const broadcast = new Map<string, Hex>()
  let kills = 0
  for (let round = 0; round < 4; round++) {
    // One block a second, so most kills land between a broadcast and its receipt.
    await t.chain.test.setAutomine(false)
    await t.chain.test.setIntervalMining({ interval: 1 })
    const child = spawn(process.execPath, [builtScript('submitter'), JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(child)
    let stdout = ''
    child.stdout?.on('data', (chunk) => {
      stdout += chunk
      for (const [, intent, hash] of stdout.matchAll(/^broadcast (\S+) (0x[0-9a-f]{64})/gm))
        broadcast.set(intent!, hash as Hex)
    })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    await until(() => stdout.includes('ready'), 20_000, 'the child to start')
    await sleep(200 + Math.floor(Math.random() * 1_200))
    if (stdout.includes('done')) break
    child.kill('SIGKILL')
    kills++
    await exited
  }
  expect(kills).toBeGreaterThan(0)

  // A fresh engine takes over the signer once the dead one's lease lapsed, and finishes every intent.
  await t.chain.resume()
  const engine = t.engine({ policy: { leaseWaitMs: 5_000 } })
  await engine.start()
  const txs = await Promise.all(
    ids.map((id) => engine.submit({ intentId: `kill-${id}`, to: t.chain.target, data: actData(BigInt(id)) })),
  )
  // Whatever a killed process had broadcast is what the new engine waits for: no second transaction.
  for (const tx of txs)
    if (broadcast.has(tx.intentId))
      expect([tx.intentId, tx.hash]).toEqual([tx.intentId, broadcast.get(tx.intentId)])
  expect(txs.filter((tx) => tx.reused).length).toBeGreaterThan(0)
  await Promise.all(txs.map((tx) => tx.wait()))
  await until(
    async () => {
      await engine.reconcile()
      return (await engine.ledger.live(signer.address)).every(
        (record) => record.state !== 'reserved' && record.state !== 'broadcast',
      )
    },
    10_000,
    'the ledger to settle',
  )
  await expectSettled(t.chain, signer.address, ids.map(BigInt), await engine.ledger.next(signer.address))
})
