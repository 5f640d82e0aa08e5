import { expect, test } from 'vitest'
import { createPacer } from './createPacer.js'

test('default: calls are spaced at the rate, in order', async () => {
  const pacer = createPacer(50)
  const started = performance.now()
  const times: number[] = []
  await Promise.all(
    Array.from({ length: 6 }, () => pacer.take().then(() => times.push(performance.now() - started))),
  )
  // Six takes at 50 per second: the last one 100 ms after the first (five intervals of 20 ms).
  expect(times).toEqual([...times].sort((a, b) => a - b))
  expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(95)
})

test('behavior: a rate of 0 never waits', async () => {
  const pacer = createPacer(0)
  const started = performance.now()
  for (let i = 0; i < 100; i++) await pacer.take()
  expect(performance.now() - started).toBeLessThan(50)
})
