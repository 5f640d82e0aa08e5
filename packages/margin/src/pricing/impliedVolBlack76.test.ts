import fc from 'fast-check'
import { expect, test } from 'vitest'
import { black76Price } from './black76Price.js'
import { ImpliedVolError } from './ImpliedVolError.js'
import { impliedVolBlack76 } from './impliedVolBlack76.js'

const T = 604800 / 31_536_000

test('default', () => {
  const { vol } = impliedVolBlack76({
    price: 82.80508066863456,
    forward: 1500,
    strike: 1500,
    timeYears: T,
    discount: 1,
    isCall: true,
  })
  expect(vol).toBeCloseTo(1, 12)
})

test('behavior: recovers the vol that produced the price (calls and puts, ITM and OTM)', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.7, max: 1.4, noNaN: true }),
      fc.double({ min: 0.01, max: 2, noNaN: true }),
      fc.double({ min: 0.05, max: 3, noNaN: true }),
      fc.boolean(),
      (moneyness, timeYears, vol, isCall) => {
        const forward = 3500
        const strike = forward * moneyness
        const price = black76Price(forward, strike, timeYears, vol, 0.98, isCall)
        const timeValue = price - 0.98 * Math.max(isCall ? forward - strike : strike - forward, 0)
        fc.pre(timeValue > 1e-6 * forward)
        const result = impliedVolBlack76({ price, forward, strike, timeYears, discount: 0.98, isCall })
        expect(result.vol).toBeCloseTo(vol, 6)
      },
    ),
  )
})

test('behavior: a price outside the no-arbitrage interval says so', () => {
  const below = () =>
    impliedVolBlack76({ price: 9, forward: 110, strike: 100, timeYears: 0.5, discount: 1, isCall: true })
  expect(below).toThrowError(ImpliedVolError)
  expect(below).toThrowErrorMatchingInlineSnapshot(
    `[ImpliedVolError: No implied vol: price 9 is outside the no-arbitrage interval (10, 110)]`,
  )
  try {
    impliedVolBlack76({ price: 111, forward: 110, strike: 100, timeYears: 0.5, discount: 1, isCall: true })
  } catch (error) {
    expect((error as ImpliedVolError).reason).toBe('noArbitrageBound')
  }
})

test('behavior: a price whose vega underflows is reported as zero vega', () => {
  // 3e-13 seconds to expiry, strike 50 % out of the money: no vol up to 100 000 % gives a price above 0
  let reason: string | undefined
  try {
    impliedVolBlack76({ price: 1e-3, forward: 100, strike: 150, timeYears: 1e-20, discount: 1, isCall: true })
  } catch (error) {
    reason = (error as ImpliedVolError).reason
  }
  expect(reason).toBe('zeroVega')
  let expired: string | undefined
  try {
    impliedVolBlack76({ price: 1, forward: 100, strike: 100, timeYears: 0, discount: 1, isCall: true })
  } catch (error) {
    expired = (error as ImpliedVolError).reason
  }
  expect(expired).toBe('zeroVega')
})

test('behavior: too few iterations reports no convergence', () => {
  let reason: string | undefined
  try {
    impliedVolBlack76({
      price: 5,
      forward: 100,
      strike: 120,
      timeYears: 1,
      discount: 1,
      isCall: true,
      maxIterations: 1,
    })
  } catch (error) {
    reason = (error as ImpliedVolError).reason
  }
  expect(reason).toBe('noConvergence')
})
