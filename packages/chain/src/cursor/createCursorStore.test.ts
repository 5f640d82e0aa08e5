import { afterEach, beforeEach, expect, test } from 'vitest'
import { setupRedis } from '../_test/setupRedis.js'
import { CursorStoreError } from '../errors.js'
import { emptyRing, pushBlocks } from './blockRing.js'
import { createCursorStore } from './createCursorStore.js'

let redis: Awaited<ReturnType<typeof setupRedis>>
beforeEach(async () => {
  redis = await setupRedis()
})
afterEach(async () => {
  await redis.cleanup()
})

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const

test('default: round trip under a hash-tagged key', async () => {
  const store = createCursorStore({ redis: redis.redis, keyPrefix: redis.prefix })
  expect(await store.load(31337)).toBeUndefined()
  const state = {
    cursor: { number: 12n, hash: hash(12) },
    ring: pushBlocks(emptyRing(4), [
      { number: 10n, hash: hash(10) },
      { number: 12n, hash: hash(12) },
    ]),
  }
  await store.save(31337, state)
  expect(store.key(31337)).toBe(`{${redis.prefix}}:cursor:31337`)
  expect(await redis.redis.exists(`{${redis.prefix}}:cursor:31337`)).toBe(1)
  expect(await store.load(31337)).toEqual(state)
  await store.clear(31337)
  expect(await store.load(31337)).toBeUndefined()
})

test('behavior: a corrupt or foreign value is a CursorStoreError', async () => {
  const store = createCursorStore({ redis: redis.redis, keyPrefix: redis.prefix })
  await redis.redis.set(store.key(1), '{"v":2}')
  await expect(store.load(1)).rejects.toBeInstanceOf(CursorStoreError)
  await store.save(2, { cursor: { number: 1n, hash: hash(1) }, ring: emptyRing() })
  await redis.redis.set(store.key(3), (await redis.redis.get(store.key(2)))!)
  await expect(store.load(3)).rejects.toThrow('belongs to chain 2')
})
