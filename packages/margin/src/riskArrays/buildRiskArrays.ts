import { MarginInputError } from '../input/MarginInputError.js'
import { black76Price } from '../pricing/black76Price.js'
import { type ExpiryConstants, expiryConstants, scenarioVol } from '../xpm1/expiryConstants.js'
import type { Xpm1Params } from '../xpm1/paramsSchema.js'
import { resolveParams } from '../xpm1/resolveParams.js'
import type { MarketState, MarketUnit, RiskArrays, UnitRiskArray } from './riskArrayTypes.js'
import { seriesKey } from './seriesKey.js'

/**
 * Builds the risk arrays of a market state: once per price tick, then `marginFromRiskArrays` per
 * account.
 *
 * An option series' value under a scenario does not depend on who holds it, so for every series i and
 * scenario s (with the expiry constants of expiryConstants and σ_s of the scenario's vol state):
 *
 *   mark_i        = B76(F, K, T, σ, D)
 *   values_i,s    = B76(F·spotShock_s, K, T, σ_s, D)
 *   basisUp_i     = B76(F·basis.spotUp, K, T, σ, D),   basisDown_i likewise with spotDown
 *
 * Cost: (scenarios + 3) Black-76 evaluations per series, e.g. 200 series × 34 = 6 800.
 *
 * @throws MarginInputError when a series names an expiry its unit does not list.
 */
export function buildRiskArrays(market: MarketState): RiskArrays {
  const units = market.units.map((unit) =>
    buildUnit(unit, resolveParams(market.params, unit.underlying), market.asOf),
  )
  return {
    asOf: market.asOf,
    units,
    unitIndex: new Map(units.map((unit, index) => [unit.underlying, index])),
  }
}

function buildUnit(unit: MarketUnit, params: Xpm1Params, asOf: number): UnitRiskArray {
  const { scenarios } = params
  const { minVolUp } = params.volShock
  const scenarioCount = scenarios.length
  const expiryCount = unit.expiries.length
  const seriesCount = unit.series.length

  const expiries = new Float64Array(expiryCount)
  const staticLong = new Float64Array(expiryCount)
  const staticShort = new Float64Array(expiryCount)
  const basisFactor = new Float64Array(expiryCount)
  const constants: ExpiryConstants[] = []
  const expiryIndex = new Map<number, number>()
  for (const [e, expiry] of unit.expiries.entries()) {
    const c = expiryConstants(expiry, asOf, params)
    constants.push(c)
    expiries[e] = expiry.expiry
    staticLong[e] = c.staticLong
    staticShort[e] = c.staticShort
    basisFactor[e] = c.basisFactor
    expiryIndex.set(expiry.expiry, e)
  }

  const dampening = new Float64Array(scenarioCount)
  const perpShock = new Float64Array(scenarioCount)
  for (let s = 0; s < scenarioCount; s++) {
    const scenario = scenarios[s]!
    dampening[s] = scenario.dampening
    perpShock[s] = (scenario.spotShock - 1) * scenario.dampening
  }

  const seriesExpiry = new Int32Array(seriesCount)
  const seriesBucket = new Int32Array(seriesCount)
  const mark = new Float64Array(seriesCount)
  const basisUp = new Float64Array(seriesCount)
  const basisDown = new Float64Array(seriesCount)
  const values = new Float64Array(seriesCount * scenarioCount)
  const seriesIndex = new Map<string, number>()
  const buckets = new Map<string, number>()
  for (const [i, series] of unit.series.entries()) {
    const e = expiryIndex.get(series.expiry)
    if (e === undefined) {
      throw new MarginInputError(
        `Invalid market state: ${unit.underlying} series[${i}].expiry: ${series.expiry} is not among its expiries`,
      )
    }
    const expiry = unit.expiries[e]!
    const c = constants[e]!
    const { forward, discount } = expiry
    const { strike, isCall, vol } = series
    const T = c.timeYears
    seriesExpiry[i] = e
    const bucketKey = `${e}:${strike}`
    let bucket = buckets.get(bucketKey)
    if (bucket === undefined) {
      bucket = buckets.size
      buckets.set(bucketKey, bucket)
    }
    seriesBucket[i] = bucket
    mark[i] = black76Price(forward, strike, T, vol, discount, isCall)
    basisUp[i] = black76Price(forward * params.basis.spotUp, strike, T, vol, discount, isCall)
    basisDown[i] = black76Price(forward * params.basis.spotDown, strike, T, vol, discount, isCall)
    const base = i * scenarioCount
    for (let s = 0; s < scenarioCount; s++) {
      const scenario = scenarios[s]!
      values[base + s] = black76Price(
        forward * scenario.spotShock,
        strike,
        T,
        scenarioVol(vol, scenario.vol, c, minVolUp),
        discount,
        isCall,
      )
    }
    seriesIndex.set(seriesKey(series.expiry, strike, isCall), i)
    if (series.id !== undefined) seriesIndex.set(series.id, i)
  }

  return {
    underlying: unit.underlying,
    spot: unit.spot,
    params,
    scenarioCount,
    expiryCount,
    seriesCount,
    expiries,
    staticLong,
    staticShort,
    basisFactor,
    dampening,
    perpShock,
    seriesExpiry,
    seriesBucket,
    bucketCount: buckets.size,
    mark,
    basisUp,
    basisDown,
    values,
    seriesIndex,
    scratch: {
      expiryValue: new Float64Array(expiryCount * scenarioCount),
      pnl: new Float64Array(scenarioCount),
      mtm: new Float64Array(expiryCount),
      up: new Float64Array(expiryCount),
      down: new Float64Array(expiryCount),
      touchedExpiry: new Uint8Array(expiryCount),
      bucketNet: new Float64Array(buckets.size),
      bucketSeen: new Uint8Array(buckets.size),
      touchedBuckets: new Int32Array(buckets.size),
    },
  }
}
