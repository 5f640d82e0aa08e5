import { expect, test } from 'vitest'
import { createLimiter } from './createLimiter.js'

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

test('default: at most `limit` tasks run at once, the others in arrival order', async () => {
  const limit = createLimiter(2)
  let running = 0
  let most = 0
  const order: number[] = []
  await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      limit(async () => {
        running++
        most = Math.max(most, running)
        order.push(i)
        await tick()
        running--
      }),
    ),
  )
  expect(most).toBe(2)
  expect(order).toEqual([0, 1, 2, 3, 4, 5])
})

test('behavior: a failing task frees its permit; 0 means no limit', async () => {
  const limit = createLimiter(1)
  await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
  expect(await limit(async () => 7)).toBe(7)
  const unlimited = createLimiter(0)
  let running = 0
  let most = 0
  await Promise.all(
    Array.from({ length: 5 }, () =>
      unlimited(async () => {
        most = Math.max(most, ++running)
        await tick()
        running--
      }),
    ),
  )
  expect(most).toBe(5)
})
