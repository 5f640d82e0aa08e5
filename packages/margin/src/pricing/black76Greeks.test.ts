import { expect, test } from 'vitest'
import { black76Greeks } from './black76Greeks.js'
import { black76Price } from './black76Price.js'

const base = {
  forward: 3521,
  strike: 4000,
  timeYears: 0.0821917808219178,
  vol: 0.64,
  discount: 0.994263094594,
}

test('default', () => {
  const g = black76Greeks({ ...base, isCall: true })
  expect(g.price).toBe(black76Price(base.forward, base.strike, base.timeYears, base.vol, base.discount, true))
  expect(g.delta).toBeGreaterThan(0)
  expect(g.gamma).toBeGreaterThan(0)
  expect(g.vega).toBeGreaterThan(0)
})

test('behavior: every Greek matches a central finite difference', () => {
  for (const isCall of [true, false]) {
    const g = black76Greeks({ ...base, isCall })
    const price = (p: Partial<typeof base>) => {
      const q = { ...base, ...p }
      return black76Price(q.forward, q.strike, q.timeYears, q.vol, q.discount, isCall)
    }
    const hF = 1e-4 * base.forward
    expect(g.delta).toBeCloseTo(
      (price({ forward: base.forward + hF }) - price({ forward: base.forward - hF })) / (2 * hF),
      7,
    )
    expect(g.gamma).toBeCloseTo(
      (price({ forward: base.forward + hF }) - 2 * g.price + price({ forward: base.forward - hF })) /
        (hF * hF),
      7,
    )
    const hV = 1e-5
    expect(g.vega).toBeCloseTo((price({ vol: base.vol + hV }) - price({ vol: base.vol - hV })) / (2 * hV), 5)
    // theta = −∂V/∂T with r = −ln(D)/T held: D moves with T
    const rate = -Math.log(base.discount) / base.timeYears
    const hT = 1e-6
    const at = (T: number) => price({ timeYears: T, discount: Math.exp(-rate * T) })
    expect(g.theta).toBeCloseTo(-(at(base.timeYears + hT) - at(base.timeYears - hT)) / (2 * hT), 4)
    // rho = ∂V/∂r with F held: only D moves
    const hR = 1e-6
    const atRate = (r: number) => price({ discount: Math.exp(-r * base.timeYears) })
    expect(g.rho).toBeCloseTo((atRate(rate + hR) - atRate(rate - hR)) / (2 * hR), 6)
  }
})

test('behavior: at zero vol the option is intrinsic with a step delta', () => {
  const g = black76Greeks({ ...base, strike: 3000, vol: 0, isCall: true })
  expect(g.price).toBeCloseTo(base.discount * 521, 10)
  expect(g.delta).toBe(base.discount)
  expect(g.gamma).toBe(0)
  expect(g.vega).toBe(0)
})
