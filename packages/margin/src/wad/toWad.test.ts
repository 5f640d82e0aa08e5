import fc from 'fast-check'
import { expect, test } from 'vitest'
import { fromWad } from './fromWad.js'
import { toWadDown } from './toWadDown.js'
import { toWadUp } from './toWadUp.js'

test('default', () => {
  expect(toWadDown(1.5)).toBe(1_500_000_000_000_000_000n)
  expect(toWadUp(1.5)).toBe(1_500_000_000_000_000_000n)
  expect(fromWad(1_500_000_000_000_000_000n)).toBe(1.5)
})

test('behavior: rounding goes in the named direction, from the exact binary value', () => {
  // the double nearest 0.1 is 0.1000000000000000055511151231257827…
  expect(toWadDown(0.1)).toBe(100_000_000_000_000_005n)
  expect(toWadUp(0.1)).toBe(100_000_000_000_000_006n)
  expect(toWadDown(-0.1)).toBe(-100_000_000_000_000_006n)
  expect(toWadUp(-0.1)).toBe(-100_000_000_000_000_005n)
  expect(toWadDown(0)).toBe(0n)
  expect(toWadDown(-0)).toBe(0n)
  expect(toWadUp(Number.MIN_VALUE)).toBe(1n)
  expect(toWadDown(Number.MIN_VALUE)).toBe(0n)
})

test('behavior: exact for values whose wad is an integer, large ones included', () => {
  expect(toWadDown(123456789.25)).toBe(123_456_789_250_000_000_000_000_000n)
  expect(toWadUp(2 ** 80)).toBe(2n ** 80n * 10n ** 18n)
})

test('behavior: down ≤ exact ≤ up, at most 1 wei apart, and fromWad comes back to x', () => {
  fc.assert(
    fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (x) => {
      const down = toWadDown(x)
      const up = toWadUp(x)
      expect(up - down === 0n || up - down === 1n).toBe(true)
      expect(fromWad(down)).toBeCloseTo(x, 6)
      // x lies in [down, up]·1e-18: compare as exact rationals via the 2^-1074 grid would be overkill;
      // the integer part and the direction are enough
      if (up !== down) expect(fromWad(down) <= x && x <= fromWad(up)).toBe(true)
    }),
  )
})

test('behavior: NaN and infinities are refused', () => {
  expect(() => toWadDown(Number.NaN)).toThrowErrorMatchingInlineSnapshot(
    `[MarginInputError: Cannot convert NaN to an 18-decimal amount]`,
  )
  expect(() => toWadUp(Number.POSITIVE_INFINITY)).toThrow()
})
