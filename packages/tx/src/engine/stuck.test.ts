import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { parseGwei } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { expect, test } from 'vitest'
import { actData, minedBy, targetState } from '../_test/chain.js'
import { sleep, until } from '../_test/redis.js'
import { txTargetAbi } from '../_test/txTarget.js'
import { TransactionCancelledError } from '../errors.js'
import { useEngineTest } from './_engineTest.js'

const t = useEngineTest(31402)

test('default: a transaction stuck while mining is paused is bumped, within the cap, and lands', async () => {
  const cap = parseGwei('4')
  const engine = t.engine({ policy: { bumpAfterMs: 300, maxFeePerGasCap: cap } })
  await engine.start()
  await t.chain.pause()
  const tx = await engine.submit({ intentId: 'stuck-1', to: t.chain.target, data: actData(1n) })
  await until(
    async () => ((await engine.ledger.lookupIntent('stuck-1'))?.attempts.length ?? 0) >= 4,
    10_000,
    'three bumps',
  )
  await sleep(1_000) // let it run into the cap
  await t.chain.resume()
  const receipt = await tx.wait()

  const record = (await engine.ledger.lookupIntent('stuck-1'))!
  const fees = record.attempts.map((attempt) => attempt.maxFeePerGas)
  const tips = record.attempts.map((attempt) => attempt.maxPriorityFeePerGas)
  for (let i = 1; i < fees.length; i++) {
    // Every replacement pays at least 10 % more on both fields, and never more than the cap.
    expect(fees[i]! * 100n).toBeGreaterThan(fees[i - 1]! * 110n)
    expect(tips[i]! * 100n).toBeGreaterThan(tips[i - 1]! * 110n)
    expect(fees[i]!).toBeLessThanOrEqual(cap)
  }
  expect(receipt.transactionHash).toBe(record.minedHash)
  expect(record.attempts.map((attempt) => attempt.hash)).toContain(receipt.transactionHash)
  expect((await targetState(t.chain, [1n])).done).toEqual([true])
  expect(engine.metrics().counters.replaced).toBe(record.attempts.length - 1)
  // One nonce, one transaction mined, whatever the number of replacements.
  expect(await minedBy(t.chain, t.chain.signers[0]!.address)).toHaveLength(1)
})

test('behavior: a transaction the node dropped is sent again and lands', async () => {
  const engine = t.engine()
  await engine.start()
  await t.chain.pause()
  const tx = await engine.submit({ intentId: 'dropped-1', to: t.chain.target, data: actData(1n) })
  await t.chain.test.dropTransaction({ hash: tx.hash })
  await until(() => t.events.some((event) => event.type === 'rebroadcast'), 5_000, 'a re-broadcast')
  expect(await t.chain.client.getTransaction({ hash: tx.hash })).toMatchObject({ nonce: 0 })
  await t.chain.resume()
  expect((await tx.wait()).transactionHash).toBe(tx.hash)
  expect(engine.metrics().counters.rebroadcast).toBeGreaterThanOrEqual(1)
})

test('behavior: past the deadline a transaction is replaced by a cancellation; its intent can be sent again', async () => {
  const engine = t.engine({ policy: { bumpAfterMs: 60_000, cancelAfterMs: 500 } })
  await engine.start()
  await t.chain.pause()
  const tx = await engine.submit({ intentId: 'late-1', to: t.chain.target, data: actData(1n) })
  await until(() => t.events.some((event) => event.type === 'cancelling'), 5_000, 'a cancellation')
  await t.chain.resume()
  await expect(tx.wait()).rejects.toBeInstanceOf(TransactionCancelledError)
  expect((await targetState(t.chain, [1n])).done).toEqual([false])
  const [cancel] = await minedBy(t.chain, t.chain.signers[0]!.address)
  expect(cancel).toMatchObject({ nonce: 0, to: t.chain.signers[0]!.address, input: '0x' })
  expect(engine.metrics().counters.cancelled).toBe(1)

  const again = await engine.submit({ intentId: 'late-1', to: t.chain.target, data: actData(1n) })
  expect(again.reused).toBe(false)
  expect(again.nonce).toBe(1)
  await again.wait()
  expect((await targetState(t.chain, [1n])).done).toEqual([true])
})

test('behavior: a pending call whose effect happened elsewhere is replaced by a cancellation', async () => {
  const engine = t.engine()
  await engine.start()
  await t.chain.pause()
  const tx = await engine.submit({
    intentId: 'raced-1',
    to: t.chain.target,
    data: actData(1n),
    abi: txTargetAbi,
  })
  // The node loses it, and meanwhile another keeper does the same thing.
  await t.chain.test.dropTransaction({ hash: tx.hash })
  const rival = privateKeyToAccount(ANVIL_ACCOUNTS[8]!.privateKey)
  await t.chain.client.sendRawTransaction({
    serializedTransaction: await rival.signTransaction({
      chainId: t.chain.chainId,
      type: 'eip1559',
      nonce: await t.chain.client.getTransactionCount({ address: rival.address }),
      to: t.chain.target,
      data: actData(1n),
      gas: 100_000n,
      maxFeePerGas: parseGwei('10'),
      maxPriorityFeePerGas: parseGwei('2'),
    }),
  })
  await t.chain.test.mine({ blocks: 1 })
  expect((await targetState(t.chain, [1n])).done).toEqual([true])

  await until(() => t.events.some((event) => event.type === 'cancelling'), 5_000, 'a cancellation')
  expect(t.events.find((event) => event.type === 'cancelling')?.detail).toMatch(
    /its call now reverts: Simulation reverted: AlreadyDone\(1\)/,
  )
  await t.chain.resume()
  await expect(tx.wait()).rejects.toBeInstanceOf(TransactionCancelledError)
  // The nonce was used by the 0-value self-transfer: no gap, no wasted reverting call.
  const signer = t.chain.signers[0]!.address
  expect(await minedBy(t.chain, signer)).toMatchObject([{ nonce: 0, to: signer, input: '0x' }])
})

test('behavior: a nonce given back below a waiting transaction is filled, so the signer is not stuck', async () => {
  const engine = t.engine()
  await engine.start()
  const signer = t.chain.signers[0]!
  // A submission reserved nonce 0 and then the node refused it (say, no funds for a moment): it goes
  // back to the free list while nonce 1 is already in the pool, waiting for 0.
  const lease = (await engine.ledger.acquireLease(signer.address, engine.holderId, 60_000))!
  const call = { to: t.chain.target, data: actData(9n), value: 0n, gas: 100_000n }
  const hole = await engine.ledger.reserve(signer.address, lease, { intentId: 'refused', kind: 'call', call })
  expect(hole).toMatchObject({ status: 'reserved', nonce: 0 })
  await t.chain.pause()
  const waiting = await engine.submit({ intentId: 'waiting', to: t.chain.target, data: actData(2n) })
  expect(waiting.nonce).toBe(1)
  await engine.ledger.release(signer.address, 0, lease.fence, 'insufficient funds')
  await until(() => t.events.some((event) => event.type === 'gapFilled'), 5_000, 'a gap fill')
  await t.chain.resume()
  await waiting.wait()
  expect(
    (await minedBy(t.chain, signer.address)).map((tx) => [tx.nonce, tx.input === '0x' ? 'fill' : 'act']),
  ).toEqual([
    [0, 'fill'],
    [1, 'act'],
  ])
  expect(engine.metrics().counters.nonceGaps).toBe(1)
})
