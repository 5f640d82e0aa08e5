import { expect, test } from 'vitest'
import { DEFAULT_PARAMS } from './defaultParams.js'
import { expiryConstants, scenarioVol } from './expiryConstants.js'

const asOf = 1_767_225_600
const day = 86_400

test('default', () => {
  // 7 days: short-term power 0.3, k = (30/7)^0.3
  const c = expiryConstants(
    { expiry: asOf + 7 * day, forward: 3502, rate: 0.06, discount: 0.99885 },
    asOf,
    DEFAULT_PARAMS,
  )
  const T = 7 / 365
  const k = (30 / 7) ** 0.3
  expect(c.timeYears).toBeCloseTo(T, 15)
  expect(c.volUp).toBeCloseTo(1 + 0.5 * k, 14)
  expect(c.volDown).toBeCloseTo(1 - 0.3 * k, 14)
  expect(c.staticLong).toBeCloseTo(0.95 * Math.exp(-T * (0.06 * 1 + 0.08)), 14)
  expect(c.staticShort).toBeCloseTo(Math.min(1 / 0.99885, 1.04 / Math.exp(-T * (0.06 * 0.5 + 0.08))), 14)
  expect(c.basisFactor).toBeCloseTo(0.5 + 2 * T, 14)
})

test('behavior: 30 days is still short term, beyond uses the long-term power', () => {
  const at = (days: number) =>
    expiryConstants({ expiry: asOf + days * day, forward: 1, rate: 0, discount: 1 }, asOf, DEFAULT_PARAMS)
  expect(at(30).volUp).toBeCloseTo(1.5, 14) // k = 1 whatever the power
  expect(at(60).volUp).toBeCloseTo(1 + 0.5 * 0.5 ** 0.13, 14)
})

test('behavior: T below dteFloorDays is floored, and the short static discount is capped at 1/D', () => {
  const sixHours = expiryConstants(
    { expiry: asOf + 6 * 3600, forward: 1, rate: 0.06, discount: 0.99995 },
    asOf,
    DEFAULT_PARAMS,
  )
  expect(sixHours.volUp).toBeCloseTo(1 + 0.5 * 30 ** 0.3, 14)
  const longDated = expiryConstants(
    { expiry: asOf + 365 * day, forward: 1, rate: 0, discount: 0.5 },
    asOf,
    DEFAULT_PARAMS,
  )
  expect(longDated.staticShort).toBeCloseTo(1.04 * Math.exp(0.08), 14)
  const capped = expiryConstants(
    { expiry: asOf + 365 * day, forward: 1, rate: 0, discount: 0.99 },
    asOf,
    DEFAULT_PARAMS,
  )
  expect(capped.staticShort).toBeCloseTo(1 / 0.99, 14)
})

test('behavior: scenario vols (up floored at minVolUp, down never negative)', () => {
  const c = { timeYears: 0.1, volUp: 1.6, volDown: 0.2, staticLong: 1, staticShort: 1, basisFactor: 1 }
  expect(scenarioVol(0.2, 'up', c, 0.4)).toBe(0.4)
  expect(scenarioVol(0.5, 'up', c, 0.4)).toBeCloseTo(0.8, 15)
  expect(scenarioVol(0.5, 'none', c, 0.4)).toBe(0.5)
  expect(scenarioVol(0.5, 'down', c, 0.4)).toBeCloseTo(0.1, 15)
})
