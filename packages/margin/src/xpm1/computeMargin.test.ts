import { describe, expect, test } from 'vitest'
import { withinTolerance, xpm1Vectors } from '../_test/vectors.js'
import { parseMarginInput } from '../input/parseMarginInput.js'
import { computeMargin } from './computeMargin.js'
import { DEFAULT_PARAMS } from './defaultParams.js'

const { cases } = xpm1Vectors()

test('default', () => {
  const input = parseMarginInput(cases[0]!.input)
  const result = computeMargin(input)
  expect(result.units[0]!.worstScenario).toBe(22)
  expect(result.units[0]!.worstShock).toEqual({ spotShock: 0.82, vol: 'up', dampening: 1 })
  expect(result.health).toBeCloseTo(result.equity / result.maintenanceMargin, 15)
})

describe('test-vectors/xpm1-cases.json, within rel 1e-9 / abs 1e-6', () => {
  for (const vector of cases) {
    test(`behavior: ${vector.id}`, () => {
      const result = computeMargin(parseMarginInput(vector.input))
      const { expected, tolerance } = vector
      for (const key of ['equity', 'initialMargin', 'maintenanceMargin', 'imSurplus', 'mmSurplus'] as const) {
        expect(
          withinTolerance(result[key], expected[key], tolerance),
          `${key}: ${result[key]} vs ${expected[key]}`,
        ).toBe(true)
      }
      expect(result.units.length).toBe(expected.units.length)
      for (const [u, unit] of expected.units.entries()) {
        const actual = result.units[u]!
        expect(actual.worstScenario).toBe(unit.worstIndex)
        for (const key of ['mtm', 'worst', 'basis', 'im', 'mm'] as const) {
          expect(
            withinTolerance(actual[key], unit[key], tolerance),
            `units[${u}].${key}: ${actual[key]} vs ${unit[key]}`,
          ).toBe(true)
        }
      }
    })
  }
})

test('behavior: omitted params are the defaults', () => {
  const vector = cases[2]!
  const { params: _params, ...withoutParams } = vector.input as Record<string, unknown>
  expect(computeMargin(parseMarginInput(withoutParams))).toEqual(
    computeMargin(parseMarginInput(vector.input)),
  )
})

test('behavior: validate: true checks the input first', () => {
  expect(() =>
    computeMargin({ asOf: 10, units: [{ underlying: 'ETH', spot: -1 }] }, { validate: true }),
  ).toThrowErrorMatchingInlineSnapshot(
    `[MarginInputError: Invalid margin input: units[0].spot: must be positive]`,
  )
})

test('behavior: an empty account has zero requirements and infinite health', () => {
  const result = computeMargin({ asOf: 0, cash: 100, units: [{ underlying: 'ETH', spot: 3000 }] })
  expect(result.initialMargin).toBe(0)
  expect(result.maintenanceMargin).toBe(0)
  expect(result.health).toBe(Number.POSITIVE_INFINITY)
  expect(computeMargin({ asOf: 0, cash: -1, units: [] }).health).toBe(Number.NEGATIVE_INFINITY)
})

test('behavior: per-underlying overrides change only that unit', () => {
  const vector = cases[2]!
  const input = parseMarginInput(vector.input)
  const base = computeMargin(input)
  const overridden = computeMargin({
    ...input,
    params: { ...DEFAULT_PARAMS, overrides: { ETH: { lossFactor: { mm: 0.5 } } } },
  })
  expect(overridden.units[0]).toEqual(base.units[0])
  expect(overridden.units[1]!.mm).toBeLessThan(base.units[1]!.mm)
  expect(overridden.units[1]!.im).toBe(base.units[1]!.im)
})
