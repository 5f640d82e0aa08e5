import { Redis } from 'ioredis'
import type { Address } from 'viem'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { deletePrefix, freshPrefix, redisUrl, sleep } from '../_test/redis.js'
import { createLedger, type Ledger } from './createLedger.js'
import type { TxAttempt } from './record.js'

const signer: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const call = { to: signer, data: '0x' as const, value: 0n, gas: 21_000n }
const attempt = (hash: string): TxAttempt => ({
  hash: `0x${hash.padStart(64, '0')}`,
  raw: '0x02',
  maxFeePerGas: 2n,
  maxPriorityFeePerGas: 1n,
  cancel: false,
  fence: 1,
  at: 0,
})

let redis: Redis
let prefix: string
let ledger: Ledger
beforeEach(() => {
  redis = new Redis(redisUrl)
  prefix = freshPrefix()
  ledger = createLedger({ redis, prefix, chainId: 31337, recordTtlMs: 60_000 })
})
afterEach(async () => {
  await deletePrefix(redis, prefix)
  redis.disconnect()
})

test('default: reserve under the lease, attach, broadcast, mine, final', async () => {
  const lease = (await ledger.acquireLease(signer, 'holder-a', 5_000))!
  expect(lease).toEqual({ fence: 1, value: '1|holder-a' })
  expect(await ledger.syncNext(signer, lease, 7, 7)).toBe(7)

  const reserved = await ledger.reserve(signer, lease, { intentId: 'liq-1', kind: 'call', call })
  expect(reserved).toEqual({ status: 'reserved', nonce: 7, fence: 1 })
  expect(await ledger.attach(signer, 7, lease, 0, [attempt('a1')])).toBe('ok')
  expect(await ledger.markBroadcast(signer, 7)).toBe('reserved')
  expect(
    await ledger.markMined(signer, 7, {
      hash: attempt('a1').hash,
      blockNumber: 3n,
      status: 'success',
      cancelled: false,
    }),
  ).toBe('mined')
  expect(await ledger.markFinal(signer, 7)).toBe('final')

  const record = await ledger.lookupIntent('liq-1')
  expect(record).toMatchObject({
    nonce: 7,
    state: 'final',
    intentId: 'liq-1',
    fence: 1,
    minedBlock: 3n,
    status: 'success',
  })
  expect(await ledger.live(signer)).toEqual([])
  expect(await ledger.next(signer)).toBe(8)
  // Final records and their intent expire after the retention time.
  expect(await redis.pttl(ledger.keys.record(signer, 7))).toBeGreaterThan(50_000)
  expect(await redis.pttl(ledger.keys.intent('liq-1'))).toBeGreaterThan(50_000)
})

test('behavior: the same intent reserves once, whatever the signer', async () => {
  const other: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
  const a = (await ledger.acquireLease(signer, 'holder-a', 5_000))!
  const b = (await ledger.acquireLease(other, 'holder-b', 5_000))!
  await ledger.syncNext(signer, a, 0, 0)
  await ledger.syncNext(other, b, 0, 0)
  expect(await ledger.reserve(signer, a, { intentId: 'liq-1', kind: 'call', call })).toMatchObject({
    status: 'reserved',
  })
  expect(await ledger.reserve(other, b, { intentId: 'liq-1', kind: 'call', call })).toEqual({
    status: 'exists',
    signer,
    nonce: 0,
  })
})

test('behavior: one holder at a time; a lapsed lease can neither reserve nor attach (fencing)', async () => {
  const a = (await ledger.acquireLease(signer, 'holder-a', 150))!
  expect(await ledger.acquireLease(signer, 'holder-b', 5_000)).toBeUndefined()
  expect(await ledger.acquireLease(signer, 'holder-a', 150)).toEqual(a) // re-acquiring extends
  await ledger.syncNext(signer, a, 0, 0)
  const reserved = await ledger.reserve(signer, a, { intentId: 'liq-1', kind: 'call', call })
  expect(reserved).toMatchObject({ status: 'reserved', nonce: 0, fence: 1 })

  await sleep(200) // a's lease lapses (a GC pause, a frozen process)
  const b = (await ledger.acquireLease(signer, 'holder-b', 5_000))!
  expect(b.fence).toBe(2)
  expect(await ledger.renewLease(signer, a, 5_000)).toBe(false)
  expect(await ledger.attach(signer, 0, a, 0, [attempt('a1')])).toBe('leaseLost')
  expect(await ledger.reserve(signer, a, { intentId: 'liq-2', kind: 'call', call })).toEqual({
    status: 'leaseLost',
  })
  expect(await ledger.releaseLease(signer, a)).toBe(false)
  expect(await ledger.releaseLease(signer, b)).toBe(true)
})

test('behavior: an unsigned reservation is released; the nonce is reused, or next comes down at the top', async () => {
  const lease = (await ledger.acquireLease(signer, 'holder-a', 5_000))!
  await ledger.syncNext(signer, lease, 0, 0)
  for (const id of ['i0', 'i1', 'i2'])
    await ledger.reserve(signer, lease, { intentId: id, kind: 'call', call })
  await ledger.attach(signer, 2, lease, 0, [attempt('a2')])

  // Nonce 1 was refused before acceptance: it goes to the free list and is taken next.
  expect(await ledger.release(signer, 1, 1, 'insufficient funds')).toBe('released')
  expect(await ledger.lookupIntent('i1')).toBeUndefined()
  expect(await ledger.free(signer)).toEqual([1])
  expect(await ledger.reserve(signer, lease, { intentId: 'i3', kind: 'call', call })).toMatchObject({
    nonce: 1,
  })

  // A signed record is never released (it may have been sent); a wrong fence is refused too.
  expect(await ledger.release(signer, 2, 1, 'no')).toBe('refused')
  expect(await ledger.release(signer, 0, 7, 'no')).toBe('refused')

  // Releasing the top nonce lowers next instead.
  await ledger.reserve(signer, lease, { intentId: 'i4', kind: 'call', call })
  expect(await ledger.next(signer)).toBe(4)
  expect(await ledger.release(signer, 3, 1, 'simulation reverted')).toBe('released')
  expect(await ledger.next(signer)).toBe(3)
  expect((await ledger.live(signer)).map((record) => [record.nonce, record.state])).toEqual([
    [0, 'reserved'],
    [1, 'reserved'],
    [2, 'reserved'],
  ])
})

test('behavior: a cancelled or reverted intent can be sent again; a dropped one too', async () => {
  const lease = (await ledger.acquireLease(signer, 'holder-a', 5_000))!
  await ledger.syncNext(signer, lease, 0, 0)
  for (const id of ['i0', 'i1', 'i2'])
    await ledger.reserve(signer, lease, { intentId: id, kind: 'call', call })
  const mined = { hash: attempt('a').hash, blockNumber: 1n }
  expect(await ledger.markMined(signer, 0, { ...mined, status: 'success', cancelled: true })).toBe(
    'cancelled',
  )
  expect(await ledger.markMined(signer, 1, { ...mined, status: 'reverted', cancelled: false })).toBe('mined')
  expect(await ledger.markDropped(signer, 2, lease, 'nonce used by 0xabc')).toBe('dropped')
  for (const id of ['i0', 'i1', 'i2']) expect(await ledger.lookupIntent(id)).toBeUndefined()
  expect(await ledger.reserve(signer, lease, { intentId: 'i0', kind: 'call', call })).toMatchObject({
    status: 'reserved',
    nonce: 3,
  })
})

test('behavior: syncNext follows the chain and a forced nonce fills a gap', async () => {
  const lease = (await ledger.acquireLease(signer, 'holder-a', 5_000))!
  // A fresh ledger starts after what the node already has pending from other tools.
  expect(await ledger.syncNext(signer, lease, 3, 5)).toBe(5)
  // The chain moved past the ledger (the key was used elsewhere): follow it.
  expect(await ledger.syncNext(signer, lease, 9, 9)).toBe(9)
  await ledger.reserve(signer, lease, { intentId: 'i9', kind: 'call', call })
  await ledger.reserve(signer, lease, { intentId: 'i10', kind: 'call', call })
  await ledger.release(signer, 9, 1, 'refused')
  expect(await ledger.reserve(signer, lease, { intentId: '', kind: 'fill', call, nonce: 9 })).toMatchObject({
    nonce: 9,
  })
  expect(await ledger.reserve(signer, lease, { intentId: '', kind: 'fill', call, nonce: 10 })).toEqual({
    status: 'taken',
  })
  expect(await ledger.free(signer)).toEqual([])
})
