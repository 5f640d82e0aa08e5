import { expect, test } from 'vitest'
import { mapConcurrent } from './mapConcurrent.js'

test('default: keeps order and the concurrency cap', async () => {
  let inFlight = 0
  let peak = 0
  const results = await mapConcurrent([5, 1, 4, 2, 3], 2, async (value) => {
    inFlight++
    peak = Math.max(peak, inFlight)
    await new Promise((resolve) => setTimeout(resolve, value))
    inFlight--
    return value * 10
  })
  expect(results).toEqual([50, 10, 40, 20, 30])
  expect(peak).toBe(2)
})

test('behavior: empty input', async () => {
  expect(await mapConcurrent([], 3, async () => 1)).toEqual([])
})
