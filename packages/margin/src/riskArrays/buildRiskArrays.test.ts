import { expect, test } from 'vitest'
import { MarginInputError } from '../input/MarginInputError.js'
import { black76Price } from '../pricing/black76Price.js'
import { DEFAULT_PARAMS } from '../xpm1/defaultParams.js'
import { expiryConstants, scenarioVol } from '../xpm1/expiryConstants.js'
import { buildRiskArrays } from './buildRiskArrays.js'

const asOf = 1_767_225_600
const expiry = { expiry: asOf + 14 * 86_400, forward: 3510, rate: 0.05, discount: 0.998 }
const market = {
  asOf,
  units: [
    {
      underlying: 'ETH',
      spot: 3500,
      expiries: [expiry],
      series: [
        { expiry: expiry.expiry, strike: 3000, isCall: false, vol: 0.8 },
        { expiry: expiry.expiry, strike: 3000, isCall: true, vol: 0.7 },
      ],
    },
  ],
}

test('default', () => {
  const unit = buildRiskArrays(market).units[0]!
  const S = DEFAULT_PARAMS.scenarios.length
  expect(unit.values.length).toBe(2 * S)
  const c = expiryConstants(expiry, asOf, DEFAULT_PARAMS)
  for (const [s, scenario] of DEFAULT_PARAMS.scenarios.entries()) {
    const vol = scenarioVol(0.7, scenario.vol, c, DEFAULT_PARAMS.volShock.minVolUp)
    expect(unit.values[S + s]).toBe(
      black76Price(3510 * scenario.spotShock, 3000, c.timeYears, vol, 0.998, true),
    )
    expect(unit.perpShock[s]).toBe((scenario.spotShock - 1) * scenario.dampening)
  }
  expect(unit.mark[0]).toBe(black76Price(3510, 3000, c.timeYears, 0.8, 0.998, false))
  expect(unit.basisUp[1]).toBe(black76Price(3510 * 1.045, 3000, c.timeYears, 0.7, 0.998, true))
  // a call and a put at one strike share the naked-short bucket
  expect(unit.seriesBucket[0]).toBe(unit.seriesBucket[1])
  expect(unit.bucketCount).toBe(1)
})

test('behavior: per-underlying overrides reach the arrays', () => {
  const arrays = buildRiskArrays({
    ...market,
    params: { overrides: { ETH: { scenarios: [{ spotShock: 0.5, vol: 'none', dampening: 1 }] } } },
  })
  expect(arrays.units[0]!.scenarioCount).toBe(1)
})

test('behavior: a series on an unlisted expiry is refused', () => {
  const bad = {
    ...market,
    units: [{ ...market.units[0]!, series: [{ expiry: asOf + 1, strike: 1, isCall: true, vol: 1 }] }],
  }
  expect(() => buildRiskArrays(bad)).toThrow(MarginInputError)
})
