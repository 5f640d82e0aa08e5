import { describe, expect, test } from 'vitest'
import { type PricingRow, pricingRows } from '../_test/vectors.js'
import { black76Greeks } from './black76Greeks.js'
import { black76Price } from './black76Price.js'
import { bsmGreeks } from './bsmGreeks.js'
import { bsmPrice } from './bsmPrice.js'
import { impliedVolBsm } from './impliedVolBsm.js'

/*
 * Every row of test-vectors/pricing.json (copied from shared/vectors), each within its own tolerance.
 * Conventions of the file: BSM uses cost of carry b = r − q; vega and rho per 1.00; theta per year.
 */

const rows = pricingRows()
const num = (row: PricingRow, key: string, from: 'inputs' | 'expected' = 'inputs'): number => {
  const value = row[from][key]
  if (typeof value === 'number') return value
  if (typeof value === 'string' && /^\d+\/\d+$/.test(value)) {
    const [a, b] = value.split('/').map(Number)
    return a! / b!
  }
  if (typeof value === 'string') return Number(value)
  throw new Error(`${row.id}: ${from}.${key} missing`)
}
const bsmInputs = (row: PricingRow) => {
  const rate = num(row, 'r')
  const q = row.inputs.q === undefined ? 0 : num(row, 'q')
  return {
    spot: num(row, 'S'),
    strike: num(row, 'K'),
    timeYears: num(row, 'T'),
    rate,
    costOfCarry: rate - q,
    vol: num(row, 'sigma'),
  }
}

test('default', () => {
  expect(rows.length).toBe(14)
})

describe('generalised BSM (Haug via QuantLib)', () => {
  for (const row of rows.filter((r) => r.id.startsWith('bsm-haug'))) {
    test(`behavior: ${row.id}`, () => {
      const price = bsmPrice({ ...bsmInputs(row), isCall: row.inputs.type === 'call' })
      expect(Math.abs(price - num(row, 'price', 'expected'))).toBeLessThanOrEqual(row.tolerance.abs)
    })
  }
  for (const row of rows.filter((r) => r.id.startsWith('greek-haug'))) {
    test(`behavior: ${row.id}`, () => {
      const greek = String(row.inputs.greek) as 'delta' | 'gamma'
      const greeks = bsmGreeks({ ...bsmInputs(row), isCall: row.inputs.type === 'call' })
      expect(Math.abs(greeks[greek] - num(row, greek, 'expected'))).toBeLessThanOrEqual(row.tolerance.abs)
    })
  }
})

describe('Hull', () => {
  test('behavior: bsm-hull-1 (d1, d2, call, put)', () => {
    const row = rows.find((r) => r.id === 'bsm-hull-1')!
    const call = bsmGreeks({ ...bsmInputs(row), isCall: true })
    const put = bsmGreeks({ ...bsmInputs(row), isCall: false })
    for (const [actual, key] of [
      [call.d1, 'd1'],
      [call.d2, 'd2'],
      [call.price, 'call'],
      [put.price, 'put'],
    ] as const) {
      expect(Math.abs(actual - num(row, key, 'expected')), key).toBeLessThanOrEqual(row.tolerance.abs)
    }
  })

  test('behavior: bsm-hull-2 (Greeks; vega within 1 %)', () => {
    const row = rows.find((r) => r.id === 'bsm-hull-2')!
    const g = bsmGreeks({ ...bsmInputs(row), isCall: true })
    const abs = row.tolerance.abs
    expect(Math.abs(g.price - num(row, 'call', 'expected'))).toBeLessThanOrEqual(abs)
    expect(Math.abs(g.delta - num(row, 'delta', 'expected'))).toBeLessThanOrEqual(abs)
    expect(Math.abs(g.gamma - num(row, 'gamma', 'expected'))).toBeLessThanOrEqual(abs)
    expect(Math.abs(g.vega / num(row, 'vega', 'expected') - 1)).toBeLessThanOrEqual(row.tolerance.rel_vega!)
    expect(Math.abs(g.theta - num(row, 'theta_per_year', 'expected'))).toBeLessThanOrEqual(abs)
    expect(Math.abs(g.theta / 365 - num(row, 'theta_per_day', 'expected'))).toBeLessThanOrEqual(abs)
    expect(Math.abs(g.rho - num(row, 'rho', 'expected'))).toBeLessThanOrEqual(abs)
  })

  test('behavior: black76-hull-1 (put on a future, D = e^(−rT))', () => {
    const row = rows.find((r) => r.id === 'black76-hull-1')!
    const T = num(row, 'T')
    const put = black76Price(
      num(row, 'F'),
      num(row, 'K'),
      T,
      num(row, 'sigma'),
      Math.exp(-num(row, 'r') * T),
      false,
    )
    expect(Math.abs(put - num(row, 'put', 'expected'))).toBeLessThanOrEqual(row.tolerance.abs)
  })

  test('behavior: iv-hull-1 (implied vol of a call)', () => {
    const row = rows.find((r) => r.id === 'iv-hull-1')!
    const rate = num(row, 'r')
    const { vol } = impliedVolBsm({
      price: num(row, 'call_price'),
      spot: num(row, 'S'),
      strike: num(row, 'K'),
      timeYears: num(row, 'T'),
      rate,
      costOfCarry: rate,
      isCall: true,
    })
    expect(Math.abs(vol - num(row, 'sigma', 'expected'))).toBeLessThanOrEqual(row.tolerance.abs)
  })
})

describe('Black-76 (Lyra, T = seconds/31 536 000, 1e-12 absolute)', () => {
  for (const row of rows.filter((r) => r.id.startsWith('black76-lyra'))) {
    test(`behavior: ${row.id}`, () => {
      const parameters = {
        forward: num(row, 'fwdPrice'),
        strike: num(row, 'strikePrice'),
        timeYears: num(row, 'timeToExpirySec') / 31_536_000,
        vol: num(row, 'volatility'),
        discount: num(row, 'discount'),
      }
      const call = black76Greeks({ ...parameters, isCall: true })
      const put = black76Greeks({ ...parameters, isCall: false })
      expect(Math.abs(call.price - num(row, 'call', 'expected'))).toBeLessThanOrEqual(row.tolerance.abs)
      expect(Math.abs(put.price - num(row, 'put', 'expected'))).toBeLessThanOrEqual(row.tolerance.abs)
      expect(Math.abs(call.nd1 - num(row, 'N_d1', 'expected'))).toBeLessThanOrEqual(row.tolerance.abs)
      // the scalar hot-path function gives the same numbers
      const { forward, strike, timeYears, vol, discount } = parameters
      expect(black76Price(forward, strike, timeYears, vol, discount, true)).toBe(call.price)
      expect(black76Price(forward, strike, timeYears, vol, discount, false)).toBe(put.price)
    })
  }
})
