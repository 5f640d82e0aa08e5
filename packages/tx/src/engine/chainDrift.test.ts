import { parseGwei } from 'viem'
import { expect, test } from 'vitest'
import { actData, minedBy, targetState } from '../_test/chain.js'
import { until } from '../_test/redis.js'
import { useEngineTest } from './_engineTest.js'

const t = useEngineTest(31404)

test('default: a nonce used behind the back of the ledger is stepped over, and the call still goes out once', async () => {
  const engine = t.engine()
  await engine.start()
  const signer = t.chain.signers[0]!
  // Another tool sends with the same key: the ledger still thinks nonce 0 is free.
  await t.chain.client.sendRawTransaction({
    serializedTransaction: await signer.signTransaction({
      chainId: t.chain.chainId,
      type: 'eip1559',
      nonce: 0,
      to: signer.address,
      gas: 21_000n,
      maxFeePerGas: parseGwei('5'),
      maxPriorityFeePerGas: parseGwei('1'),
    }),
  })
  const tx = await engine.submit({ intentId: 'after-drift', to: t.chain.target, data: actData(1n) })
  expect(tx.nonce).toBe(1)
  await tx.wait()
  expect(engine.metrics().counters.dropped).toBe(1)
  expect(t.events.find((event) => event.type === 'dropped')?.detail).toMatch(/nonce too low/)
  expect((await minedBy(t.chain, signer.address)).map((mined) => mined.nonce)).toEqual([0, 1])
  expect((await targetState(t.chain)).count).toBe(1n)
})

test('behavior: a mined transaction taken out by a reorg is sent again and its waiter still gets a receipt', async () => {
  const engine = t.engine()
  await engine.start()
  const before = await t.chain.test.snapshot()
  const tx = await engine.submit({ intentId: 'reorged', to: t.chain.target, data: actData(1n) })
  await tx.wait()
  await until(
    async () => (await engine.ledger.lookupIntent('reorged'))?.state === 'mined',
    5_000,
    'mined in the ledger',
  )

  // The block that mined it is gone (and the node forgot the transaction).
  await t.chain.test.revert({ id: before })
  expect((await targetState(t.chain, [1n])).done).toEqual([false])
  await until(
    () => t.events.some((event) => event.type === 'rebroadcast' && event.intentId === 'reorged'),
    5_000,
    'a re-send',
  )
  const receipt = await tx.wait()
  expect(receipt.transactionHash).toBe(tx.hash)
  expect((await targetState(t.chain, [1n])).done).toEqual([true])
})
