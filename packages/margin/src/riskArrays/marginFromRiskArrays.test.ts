import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { marginInputArbitrary } from '../_test/arbitraries.js'
import { xpm1Vectors } from '../_test/vectors.js'
import type { MarginInput } from '../input/marginInputSchema.js'
import { parseMarginInput } from '../input/parseMarginInput.js'
import { computeMargin } from '../xpm1/computeMargin.js'
import type { MarginResult, UnitMargin } from '../xpm1/marginResult.js'
import { buildRiskArrays } from './buildRiskArrays.js'
import { marginFromRiskArrays } from './marginFromRiskArrays.js'
import { seriesKey } from './seriesKey.js'
import { splitMarginInput } from './splitMarginInput.js'

const ACCOUNT_KEYS = ['equity', 'initialMargin', 'maintenanceMargin', 'imSurplus', 'mmSurplus'] as const
const UNIT_KEYS = ['mtm', 'worst', 'basis', 'loss', 'nakedShortContracts', 'netPerpSize', 'im', 'mm'] as const

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
}

function expectSame(fast: MarginResult<UnitMargin>, direct: MarginResult<UnitMargin>): void {
  for (const key of ACCOUNT_KEYS) expect(close(fast[key], direct[key]), key).toBe(true)
  expect(fast.units.length).toBe(direct.units.length)
  for (const [u, unit] of direct.units.entries()) {
    const other = fast.units[u]!
    expect(other.worstScenario).toBe(unit.worstScenario)
    for (const key of UNIT_KEYS) expect(close(other[key], unit[key]), `units[${u}].${key}`).toBe(true)
  }
}

function viaRiskArrays(input: MarginInput): MarginResult<UnitMargin> {
  const { market, account } = splitMarginInput(input)
  return marginFromRiskArrays(buildRiskArrays(market), account)
}

test('default', () => {
  const input = parseMarginInput(xpm1Vectors().cases[2]!.input)
  expectSame(viaRiskArrays(input), computeMargin(input))
})

describe('the reference vectors through risk arrays', () => {
  for (const vector of xpm1Vectors().cases) {
    test(`behavior: ${vector.id} equals direct revaluation`, () => {
      const input = parseMarginInput(vector.input)
      expectSame(viaRiskArrays(input), computeMargin(input))
    })
  }
})

test('behavior: risk arrays and direct revaluation agree to 1e-9 on random portfolios', () => {
  fc.assert(
    fc.property(marginInputArbitrary({ twoUnits: true }), (input) => {
      expectSame(viaRiskArrays(input), computeMargin(input))
    }),
    { numRuns: 150 },
  )
})

test('behavior: one market state serves many accounts, and the scratch buffers do not leak between them', () => {
  fc.assert(
    fc.property(fc.array(marginInputArbitrary(), { minLength: 2, maxLength: 5 }), (inputs) => {
      // one market with every series of every input; each account indexes into it
      const first = splitMarginInput(inputs[0]!)
      const unit = first.market.units[0]!
      const market = {
        ...first.market,
        units: [
          {
            ...unit,
            expiries: inputs
              .flatMap((input) => input.units[0]!.expiries ?? [])
              .filter((e, i, all) => all.findIndex((f) => f.expiry === e.expiry) === i),
            series: inputs.flatMap((input) => splitMarginInput(input).market.units[0]!.series),
          },
        ],
      }
      fc.pre(
        new Set(market.units[0]!.expiries.map((e) => e.expiry)).size === market.units[0]!.expiries.length,
      )
      const consistent = inputs.every((input) =>
        (input.units[0]!.expiries ?? []).every((e) =>
          market.units[0]!.expiries.some((f) => f.expiry === e.expiry && f.forward === e.forward),
        ),
      )
      fc.pre(consistent)
      const arrays = buildRiskArrays(market)
      let offset = 0
      for (const input of inputs) {
        const { account } = splitMarginInput(input)
        const shifted = {
          ...account,
          units: account.units.map((u) => ({
            ...u,
            optionSeries: (u.optionSeries ?? new Int32Array()).map((series) => series + offset),
          })),
        }
        offset += splitMarginInput(input).market.units[0]!.series.length
        const fast = marginFromRiskArrays(arrays, shifted)
        const direct = computeMargin(input)
        for (const key of ACCOUNT_KEYS) expect(close(fast[key], direct[key]), key).toBe(true)
      }
    }),
    { numRuns: 40 },
  )
})

test('behavior: series are found by id or by expiry, strike and type', () => {
  const arrays = buildRiskArrays({
    asOf: 0,
    units: [
      {
        underlying: 'ETH',
        spot: 3500,
        expiries: [{ expiry: 86_400 * 30, forward: 3510, rate: 0.05, discount: 0.996 }],
        series: [{ id: 'ETH-30D-4000-C', expiry: 86_400 * 30, strike: 4000, isCall: true, vol: 0.6 }],
      },
    ],
  })
  const unit = arrays.units[0]!
  expect(unit.seriesIndex.get('ETH-30D-4000-C')).toBe(0)
  expect(unit.seriesIndex.get(seriesKey(86_400 * 30, 4000, true))).toBe(0)
  expect(() =>
    marginFromRiskArrays(arrays, { units: [{ underlying: 'BTC' }] }),
  ).toThrowErrorMatchingInlineSnapshot(
    `[MarginInputError: Invalid account: no risk arrays for underlying BTC]`,
  )
  expect(() =>
    marginFromRiskArrays(arrays, {
      units: [{ underlying: 'ETH', optionSeries: Int32Array.of(3), optionAmounts: Float64Array.of(1) }],
    }),
  ).toThrowErrorMatchingInlineSnapshot(
    `[MarginInputError: Invalid account: ETH optionSeries[0] = 3 is not a series]`,
  )
})
