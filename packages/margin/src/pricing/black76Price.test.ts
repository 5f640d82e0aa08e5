import fc from 'fast-check'
import { expect, test } from 'vitest'
import { black76Price } from './black76Price.js'

test('default', () => {
  // Lyra's ATM week: 82.805080668634559515 (test-vectors/pricing.json black76-lyra-1)
  expect(black76Price(1500, 1500, 604800 / 31_536_000, 1, 1, true)).toBeCloseTo(82.80508066863456, 12)
})

test('behavior: put-call parity c − p = D·(F − K)', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 10, max: 1e5, noNaN: true }),
      fc.double({ min: 0.3, max: 3, noNaN: true }),
      fc.double({ min: 1e-4, max: 3, noNaN: true }),
      fc.double({ min: 0.01, max: 3, noNaN: true }),
      fc.double({ min: 0.8, max: 1, noNaN: true }),
      (forward, moneyness, timeYears, vol, discount) => {
        const strike = forward * moneyness
        const call = black76Price(forward, strike, timeYears, vol, discount, true)
        const put = black76Price(forward, strike, timeYears, vol, discount, false)
        expect(call - put).toBeCloseTo(discount * (forward - strike), Math.max(0, 10 - Math.log10(forward)))
      },
    ),
  )
})

test('behavior: zero vol or zero time gives the discounted intrinsic value', () => {
  expect(black76Price(110, 100, 0.5, 0, 0.9, true)).toBeCloseTo(9, 14)
  expect(black76Price(110, 100, 0, 0.5, 0.9, false)).toBe(0)
  expect(black76Price(90, 100, 0, 0.5, 0.9, false)).toBeCloseTo(9, 14)
})

test('behavior: bounded by D·max(F − K, 0) and D·F for a call', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1, max: 1e5, noNaN: true }),
      fc.double({ min: 0.1, max: 10, noNaN: true }),
      fc.double({ min: 0, max: 5, noNaN: true }),
      fc.double({ min: 0, max: 5, noNaN: true }),
      (forward, moneyness, timeYears, vol) => {
        const strike = forward * moneyness
        const call = black76Price(forward, strike, timeYears, vol, 0.97, true)
        expect(call).toBeGreaterThanOrEqual(0.97 * Math.max(forward - strike, 0) - 1e-9 * forward)
        expect(call).toBeLessThanOrEqual(0.97 * forward * (1 + 1e-12))
      },
    ),
  )
})

test('behavior: a vanishing σ√T (≈ 1e-308, found by fast-check) gives the discounted intrinsic value, not NaN', () => {
  for (const [timeYears, vol] of [
    [9.857581206931566e-177, 1.2900749637460926e-220],
    [1e-300, 2e-160],
  ] as const) {
    expect(black76Price(1, 0.1, timeYears, vol, 0.97, true)).toBeCloseTo(0.97 * 0.9, 12)
    expect(black76Price(1, 0.1, timeYears, vol, 0.97, false)).toBe(0)
  }
})
