import { expect, test } from 'vitest'
import { jitteredBackoff } from './backoff.js'

const parameters = { baseMs: 1_000, maxMs: 60_000 }

test('default: the delay doubles per retry and stays within [cap/2, cap]', () => {
  const bounds = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => [
    jitteredBackoff(attempt, parameters, () => 0),
    jitteredBackoff(attempt, parameters, () => 1),
  ])
  expect(bounds).toEqual([
    [500, 1_000],
    [1_000, 2_000],
    [2_000, 4_000],
    [4_000, 8_000],
    [8_000, 16_000],
    [16_000, 32_000],
    [30_000, 60_000],
    [30_000, 60_000],
  ])
})

test('behavior: random draws land inside the bounds and spread out', () => {
  const samples = Array.from({ length: 2_000 }, () => jitteredBackoff(4, parameters))
  for (const sample of samples) {
    expect(sample).toBeGreaterThanOrEqual(4_000)
    expect(sample).toBeLessThanOrEqual(8_000)
  }
  // Jitter: retries of jobs that failed together do not arrive in step.
  expect(new Set(samples).size).toBeGreaterThan(1_000)
  expect(Math.max(...samples) - Math.min(...samples)).toBeGreaterThan(3_500)
})

test('behavior: huge attempt numbers stay at the cap', () => {
  expect(jitteredBackoff(10_000, parameters, () => 1)).toBe(60_000)
  expect(jitteredBackoff(0, parameters, () => 1)).toBe(1_000)
})
