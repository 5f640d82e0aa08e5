import { expect, test } from 'vitest'
import { nextRangeSize } from './nextRangeSize.js'

test('default', () => {
  expect(nextRangeSize(1_000, 'ok')).toBe(2_000)
  expect(nextRangeSize(1_000, 'tooLarge')).toBe(500)
})

test('behavior: stays within bounds', () => {
  const bounds = { initial: 10, min: 2, max: 16 }
  expect(nextRangeSize(10, 'ok', bounds)).toBe(16)
  expect(nextRangeSize(3, 'tooLarge', bounds)).toBe(2)
})
