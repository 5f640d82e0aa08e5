import { expect, test } from 'vitest'
import { type BsmParameters, bsmGreeks } from './bsmGreeks.js'
import { bsmPrice } from './bsmPrice.js'

const base: Omit<BsmParameters, 'isCall'> = {
  spot: 100,
  strike: 95,
  timeYears: 0.5,
  rate: 0.1,
  costOfCarry: 0.05,
  vol: 0.2,
}

test('default', () => {
  // Hull: S 49, K 50, r 5 %, σ 20 %, 20 weeks: delta 0.522, gamma 0.066, theta −4.31/yr, rho 8.91
  const g = bsmGreeks({
    spot: 49,
    strike: 50,
    timeYears: 20 / 52,
    rate: 0.05,
    costOfCarry: 0.05,
    vol: 0.2,
    isCall: true,
  })
  expect(g.delta).toBeCloseTo(0.522, 3)
  expect(g.gamma).toBeCloseTo(0.066, 3)
  expect(g.theta).toBeCloseTo(-4.31, 2)
  expect(g.rho).toBeCloseTo(8.91, 2)
})

test('behavior: price agrees with bsmPrice and Greeks with finite differences', () => {
  for (const isCall of [true, false]) {
    const g = bsmGreeks({ ...base, isCall })
    const price = (p: Partial<BsmParameters>) => bsmPrice({ ...base, isCall, ...p })
    expect(g.price).toBeCloseTo(price({}), 12)
    const h = 1e-3
    expect(g.delta).toBeCloseTo((price({ spot: 100 + h }) - price({ spot: 100 - h })) / (2 * h), 7)
    expect(g.gamma).toBeCloseTo(
      (price({ spot: 100 + h }) - 2 * g.price + price({ spot: 100 - h })) / (h * h),
      5,
    )
    expect(g.vega).toBeCloseTo((price({ vol: 0.2 + 1e-6 }) - price({ vol: 0.2 - 1e-6 })) / 2e-6, 5)
    expect(g.theta).toBeCloseTo(
      -(price({ timeYears: 0.5 + 1e-6 }) - price({ timeYears: 0.5 - 1e-6 })) / 2e-6,
      4,
    )
    // rho: r moves with the yield q = r − b held, so b moves with r
    const rho =
      (price({ rate: 0.1 + 1e-6, costOfCarry: 0.05 + 1e-6 }) -
        price({ rate: 0.1 - 1e-6, costOfCarry: 0.05 - 1e-6 })) /
      2e-6
    expect(g.rho).toBeCloseTo(rho, 5)
  }
})

test('behavior: zero vol is the intrinsic value of the forward', () => {
  const g = bsmGreeks({ ...base, vol: 0, isCall: true })
  expect(g.price).toBeCloseTo(100 * Math.exp(-0.05 * 0.5) - 95 * Math.exp(-0.1 * 0.5), 12)
  expect(g.vega).toBe(0)
})
