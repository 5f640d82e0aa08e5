import { expect, test } from 'vitest'
import { backoffDelay } from './backoffDelay.js'

test('default', () => {
  expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, { random: () => 0 }))).toEqual([
    50, 100, 200, 400,
  ])
})

test('behavior: capped at maxMs, jitter up to the full ceiling', () => {
  expect(backoffDelay(20, { random: () => 0.999_999, maxMs: 2_000 })).toBe(2_000)
  expect(backoffDelay(20, { random: () => 0, maxMs: 2_000 })).toBe(1_000)
})
