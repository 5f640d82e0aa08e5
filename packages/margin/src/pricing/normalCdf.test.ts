import { expect, test } from 'vitest'
import { normalCdf } from './normalCdf.js'

// Reference values computed with mpmath at 40 significant digits (mp.ncdf), rounded to 20 (kept as text:
// a double holds 17).
const REFERENCE: readonly (readonly [number, string])[] = [
  [-37, '5.7255712225245768227e-300'],
  [-30, '4.9067139271481870595e-198'],
  [-20, '2.7536241186062336951e-89'],
  [-10, '7.619853024160526066e-24'],
  [-8, '6.2209605742717841235e-16'],
  [-6, '9.865876450376981407e-10'],
  [-5, '2.8665157187919391167e-7'],
  [-4, '0.000031671241833119921254'],
  [-3, '0.0013498980316300945267'],
  [-2.5, '0.006209665325776135167'],
  [-2, '0.0227501319481792072'],
  [-1.5, '0.066807201268858066004'],
  [-1, '0.15865525393145705141'],
  [-0.7, '0.24196365222307302862'],
  [-0.6629, '0.25369730086823676568'],
  [-0.5, '0.30853753872598689636'],
  [-0.1, '0.46017216272297101633'],
  [0, '0.5'],
  [0.1, '0.53982783727702898367'],
  [0.5, '0.69146246127401310364'],
  [0.7, '0.75803634777692697138'],
  [1, '0.84134474606854294859'],
  [2, '0.9772498680518207928'],
  [3, '0.99865010196836990547'],
  [5, '0.99999971334842812081'],
  [8, '0.9999999999999993779'],
]

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected)
}

test('default', () => {
  expect(relativeError(normalCdf(-1), 0.15865525393145705)).toBeLessThanOrEqual(1e-14)
  expect(relativeError(normalCdf(-5), 2.866515718791939e-7)).toBeLessThanOrEqual(1e-14)
  // The brief quotes 7.61985302416047e-24; the value to 20 digits is 7.619853024160526066e-24.
  expect(relativeError(normalCdf(-10), 7.61985302416047e-24)).toBeLessThanOrEqual(1e-14)
})

test('behavior: matches 40-digit references to 1e-15 relative from −37 to 8', () => {
  for (const [x, expected] of REFERENCE) {
    expect(relativeError(normalCdf(x), Number(expected)), `N(${x})`).toBeLessThanOrEqual(1e-15)
  }
})

test('behavior: symmetric, N(x) + N(−x) = 1', () => {
  for (let x = 0; x < 8; x += 0.037) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15)
})

test('behavior: monotone across the interval boundaries of the approximation', () => {
  let previous = 0
  for (let x = -12; x <= 12; x += 1 / 1024) {
    const value = normalCdf(x)
    expect(value).toBeGreaterThanOrEqual(previous)
    previous = value
  }
})

test('behavior: limits and NaN', () => {
  expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0)
  expect(normalCdf(-40)).toBe(0)
  expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1)
  expect(normalCdf(40)).toBe(1)
  expect(normalCdf(Number.NaN)).toBeNaN()
})

test('behavior: arguments near the largest double give exact 0 and 1, not NaN', () => {
  for (const x of [41, 1e300, 1.5e307, Number.MAX_VALUE]) {
    expect(normalCdf(x)).toBe(1)
    expect(normalCdf(-x)).toBe(0)
  }
})
