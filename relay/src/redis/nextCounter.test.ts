import { afterEach, beforeEach, expect, test } from 'vitest'
import { setupRedis } from '../_test/setupRedis.js'
import { nextCounter } from './nextCounter.js'

let ctx: Awaited<ReturnType<typeof setupRedis>>
beforeEach(async () => {
  ctx = await setupRedis()
})
afterEach(() => ctx.cleanup())

test('default: max(last + 1, now)', async () => {
  const key = `{${ctx.prefix}:relay}:seq:x`
  expect(await nextCounter(ctx.redis, key, 1_000)).toBe(1_000n)
  expect(await nextCounter(ctx.redis, key, 1_000)).toBe(1_001n)
  expect(await nextCounter(ctx.redis, key, 900)).toBe(1_002n)
  expect(await nextCounter(ctx.redis, key, 5_000)).toBe(5_000n)
})

test('behavior: concurrent callers never get the same value', async () => {
  const key = `{${ctx.prefix}:relay}:seq:y`
  const values = await Promise.all(Array.from({ length: 200 }, () => nextCounter(ctx.redis, key, 1)))
  expect(new Set(values).size).toBe(200)
})
