import { encodeFunctionData } from 'viem'
import { expect, test } from 'vitest'
import { actData, minedBy, targetState } from '../_test/chain.js'
import { sleep } from '../_test/redis.js'
import { txTargetAbi } from '../_test/txTarget.js'
import { NoSignerAvailableError, SimulationRevertedError, TransactionRevertedError } from '../errors.js'
import { useEngineTest } from './_engineTest.js'

const t = useEngineTest(31401)

test('default: submit, then wait for the receipt', async () => {
  const engine = t.engine()
  await engine.start()
  const tx = await engine.submit({
    intentId: 'liq-31401-0xabc-1',
    to: t.chain.target,
    data: actData(1n),
    abi: txTargetAbi,
  })
  expect(tx).toMatchObject({
    chainId: 31401,
    intentId: 'liq-31401-0xabc-1',
    signer: t.chain.signers[0]!.address,
    nonce: 0,
    reused: false,
  })
  const receipt = await tx.wait()
  expect(receipt.status).toBe('success')
  expect(receipt.transactionHash).toBe(tx.hash)
  expect(await targetState(t.chain, [1n])).toEqual({ count: 1n, done: [true] })
  const record = await engine.ledger.lookupIntent('liq-31401-0xabc-1')
  expect(record).toMatchObject({ state: 'mined', nonce: 0, minedHash: tx.hash, fence: 1 })
  expect(t.events.map((event) => event.type)).toEqual(
    expect.arrayContaining(['leaseAcquired', 'recovered', 'reserved', 'broadcast']),
  )
  expect(t.events.find((event) => event.type === 'broadcast')).toMatchObject({
    chainId: 31401,
    signer: t.chain.signers[0]!.address,
    nonce: 0,
    hash: tx.hash,
    intentId: 'liq-31401-0xabc-1',
    fence: 1,
  })
})

test('behavior: pipelined submissions from one signer land in nonce order with no gap', async () => {
  const engine = t.engine()
  await engine.start()
  const ids = Array.from({ length: 40 }, (_, i) => BigInt(i + 100))
  const txs = await Promise.all(
    ids.map((id) => engine.submit({ intentId: `act-${id}`, to: t.chain.target, data: actData(id) })),
  )
  expect(txs.map((tx) => tx.nonce).sort((a, b) => a - b)).toEqual(ids.map((_, i) => i))
  const receipts = await Promise.all(txs.map((tx) => tx.wait()))
  expect(receipts.every((receipt) => receipt.status === 'success')).toBe(true)
  expect((await targetState(t.chain)).count).toBe(40n)
  const signer = t.chain.signers[0]!.address
  const mined = await minedBy(t.chain, signer)
  expect(mined.map((tx) => tx.nonce)).toEqual(ids.map((_, i) => i))
  expect(await t.chain.client.getTransactionCount({ address: signer, blockTag: 'pending' })).toBe(40)
  expect(await engine.ledger.next(signer)).toBe(40)
})

test('behavior: the same intent submitted twice, or concurrently, sends one transaction', async () => {
  const engine = t.engine()
  await engine.start()
  const request = { intentId: 'liq-31401-0xabc-7', to: t.chain.target, data: actData(7n) }
  const [a, b] = await Promise.all([engine.submit(request), engine.submit(request)])
  const c = await engine.submit(request)
  await a.wait()
  const d = await engine.submit(request) // after it was mined
  expect(new Set([a.hash, b.hash, c.hash, d.hash]).size).toBe(1)
  expect([a.reused, b.reused, c.reused, d.reused]).toEqual([false, true, true, true])
  expect(await t.chain.client.getTransactionCount({ address: t.chain.signers[0]!.address })).toBe(1)
  expect((await targetState(t.chain)).count).toBe(1n)
})

test('behavior: the same intent from two engines at once sends one transaction', async () => {
  const [first, second] = t.chain.signers
  const one = t.engine({ signers: [first!] })
  const two = t.engine({ signers: [second!] })
  await Promise.all([one.start(), two.start()])
  const request = { intentId: 'liq-31401-0xabc-8', to: t.chain.target, data: actData(8n) }
  const [a, b] = await Promise.all([one.submit(request), two.submit(request)])
  expect(a.hash).toBe(b.hash)
  expect([a.reused, b.reused].sort()).toEqual([false, true])
  await b.wait()
  const sent = await Promise.all(
    [first!, second!].map((signer) => t.chain.client.getTransactionCount({ address: signer.address })),
  )
  expect(sent[0]! + sent[1]!).toBe(1)
  expect((await targetState(t.chain)).count).toBe(1n)
})

test('behavior: a call the caller marked simulated is sent as is (gas required): no second simulation', async () => {
  const engine = t.engine()
  await engine.start()
  await (await engine.submit({ intentId: 's-1', to: t.chain.target, data: actData(7n) })).wait()
  // Already done on chain, so it reverts; marked simulated, the engine sends it anyway and the receipt says so.
  const sent = await engine.submit({
    intentId: 's-1-again',
    to: t.chain.target,
    data: actData(7n),
    gas: 200_000n,
    abi: txTargetAbi,
    simulated: true,
  })
  await expect(sent.wait()).rejects.toBeInstanceOf(TransactionRevertedError)
  expect(engine.metrics().counters.simulationReverts).toBe(0)
  // Without a gas limit a call marked simulated is refused before any nonce is used.
  await expect(
    engine.submit({ intentId: 's-2', to: t.chain.target, data: actData(8n), simulated: true }),
  ).rejects.toThrow(/needs its gas limit/)
  expect(await engine.ledger.lookupIntent('s-2')).toBeUndefined()
})

test('behavior: a reverting call is refused by simulation, decoded, and uses no nonce', async () => {
  const engine = t.engine()
  await engine.start()
  const signer = t.chain.signers[0]!.address
  await (await engine.submit({ intentId: 'a-1', to: t.chain.target, data: actData(1n) })).wait()

  const refused = engine.submit({
    intentId: 'a-1-again',
    to: t.chain.target,
    data: actData(1n),
    abi: txTargetAbi,
  })
  await expect(refused).rejects.toBeInstanceOf(SimulationRevertedError)
  await expect(refused).rejects.toMatchObject({ errorName: 'AlreadyDone', args: [1n] })
  const custom = await engine
    .submit({
      intentId: 'refuse-5',
      to: t.chain.target,
      data: encodeFunctionData({ abi: txTargetAbi, functionName: 'refuse', args: [5n] }),
      abi: txTargetAbi,
    })
    .catch((error: unknown) => error)
  expect(custom).toBeInstanceOf(SimulationRevertedError)
  expect((custom as SimulationRevertedError).shortMessage).toBe('Simulation reverted: Refused(5, "refused")')

  expect(await t.chain.client.getTransactionCount({ address: signer, blockTag: 'pending' })).toBe(1)
  expect(await engine.ledger.next(signer)).toBe(1)
  expect(await engine.ledger.lookupIntent('a-1-again')).toBeUndefined()
  expect(engine.metrics().counters.simulationReverts).toBe(2)
})

test('behavior: only the lease holder sends; a contender waits, or takes another signer of its pool', async () => {
  const [shared, spare] = t.chain.signers
  const holder = t.engine({ signers: [shared!] })
  await holder.start()
  const alone = t.engine({ signers: [shared!] })
  await alone.start()
  expect(alone.heldSigners()).toEqual([])
  await expect(
    alone.submit({ intentId: 'x-1', to: t.chain.target, data: actData(1n) }),
  ).rejects.toBeInstanceOf(NoSignerAvailableError)

  const pooled = t.engine({ signers: [shared!, spare!] })
  await pooled.start()
  expect(pooled.heldSigners()).toEqual([spare!.address])
  const tx = await pooled.submit({ intentId: 'x-2', to: t.chain.target, data: actData(2n) })
  expect(tx.signer).toBe(spare!.address)
  await tx.wait()

  // When the holder stops, its lease is free at once and the contender takes the signer.
  await holder.stop()
  await alone.reconcile()
  const taken = await alone.submit({ intentId: 'x-3', to: t.chain.target, data: actData(3n) })
  expect(taken.signer).toBe(shared!.address)
  await taken.wait()
})

test('behavior: an engine whose lease lapsed cannot send with that signer (fencing)', async () => {
  const signer = t.chain.signers[0]!
  const stale = t.engine({ signers: [signer], policy: { leaseWaitMs: 500 } })
  await stale.start()
  // Its lease lapses (a long GC pause) and another process takes the signer: a new fencing token.
  await t.redis.del(stale.ledger.keys.lease(signer.address))
  const lease = await stale.ledger.acquireLease(signer.address, 'another-process', 60_000)
  expect(lease?.fence).toBe(2)

  await expect(
    stale.submit({ intentId: 'fenced', to: t.chain.target, data: actData(1n) }),
  ).rejects.toBeInstanceOf(NoSignerAvailableError)
  expect(t.events.some((event) => event.type === 'leaseLost')).toBe(true)
  expect(await t.chain.client.getTransactionCount({ address: signer.address, blockTag: 'pending' })).toBe(0)
  expect(await stale.ledger.lookupIntent('fenced')).toBeUndefined()
  await sleep(10)
})
