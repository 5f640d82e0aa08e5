import { expect, test } from 'vitest'
import { xpm1Vectors } from '../_test/vectors.js'
import { DEFAULT_PARAMS } from './defaultParams.js'
import { resolveParams } from './resolveParams.js'

test('default', () => {
  expect(resolveParams(undefined, 'ETH')).toBe(DEFAULT_PARAMS)
  // the defaults are the vectors' defaultParams, value for value
  expect(DEFAULT_PARAMS).toEqual(xpm1Vectors().defaultParams)
})

test('behavior: top level then per-underlying overrides, field by field', () => {
  const params = {
    volShock: { rangeUp: 0.6 },
    lossFactor: { mm: 0.75 },
    overrides: { BTC: { volShock: { rangeUp: 0.55, minVolUp: 0.5 } } },
  }
  const btc = resolveParams(params, 'BTC')
  const eth = resolveParams(params, 'ETH')
  expect(btc.volShock).toEqual({ ...DEFAULT_PARAMS.volShock, rangeUp: 0.55, minVolUp: 0.5 })
  expect(eth.volShock).toEqual({ ...DEFAULT_PARAMS.volShock, rangeUp: 0.6 })
  expect(btc.lossFactor).toEqual({ im: 1, mm: 0.75 })
  expect(eth.basis).toEqual(DEFAULT_PARAMS.basis)
})

test('behavior: a scenarios list replaces the default grid', () => {
  const scenarios = [{ spotShock: 0.8, vol: 'up' as const, dampening: 1 }]
  expect(resolveParams({ overrides: { ETH: { scenarios } } }, 'ETH').scenarios).toEqual(scenarios)
  expect(resolveParams({ overrides: { ETH: { scenarios } } }, 'BTC').scenarios).toBe(DEFAULT_PARAMS.scenarios)
})
