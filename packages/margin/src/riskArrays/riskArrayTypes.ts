import type { CollateralLine, ExpiryInput, PerpPosition } from '../input/marginInputSchema.js'
import type { MarginParamsInput, Xpm1Params } from '../xpm1/paramsSchema.js'

/** An option series as the market quotes it: the same for every holder. */
export type MarketSeries = {
  /** The venue's identifier, if any (also a lookup key of `seriesIndex`). */
  id?: string | undefined
  expiry: number
  strike: number
  isCall: boolean
  /** σ of the series from the vol surface. */
  vol: number
}

/** One underlying's market: spot, expiry curve and the listed option series. */
export type MarketUnit = {
  underlying: string
  spot: number
  expiries: readonly ExpiryInput[]
  series: readonly MarketSeries[]
}

/** Everything XPM-1 needs that does not depend on who holds what. */
export type MarketState = {
  asOf: number
  params?: MarginParamsInput | undefined
  units: readonly MarketUnit[]
}

/**
 * One underlying's risk arrays: per series its mark and its value under every scenario, plus the
 * per-expiry and per-scenario constants, in flat typed arrays.
 *
 * Layout: `values[i·scenarioCount + s]` is series i under scenario s, undiscounted and per contract.
 * The scratch buffers make `marginFromRiskArrays` allocation-light; they make a `RiskArrays` unsafe to
 * share between concurrent evaluations (JavaScript runs one at a time, so only across workers).
 */
export type UnitRiskArray = {
  underlying: string
  spot: number
  params: Xpm1Params
  scenarioCount: number
  expiryCount: number
  seriesCount: number
  /** Per expiry: Unix seconds. */
  expiries: Float64Array
  /** Per expiry: static discount of a value ≥ 0 (`pos`). */
  staticLong: Float64Array
  /** Per expiry: static discount of a value < 0 (`neg`). */
  staticShort: Float64Array
  /** Per expiry: addFactor + multFactor·T. */
  basisFactor: Float64Array
  /** Per scenario: dampening. */
  dampening: Float64Array
  /** Per scenario: (spotShock − 1)·dampening, the P&L of one USD of perpetual notional. */
  perpShock: Float64Array
  /** Per series: index of its expiry. */
  seriesExpiry: Int32Array
  /** Per series: index of its (expiry, strike) bucket for the naked-short count. */
  seriesBucket: Int32Array
  bucketCount: number
  /** Per series: B76 value at the market. */
  mark: Float64Array
  /** Per series: B76 value at forward·basis.spotUp. */
  basisUp: Float64Array
  /** Per series: B76 value at forward·basis.spotDown. */
  basisDown: Float64Array
  /** Per series × scenario: B76 value at forward·spotShock with the scenario's vol. */
  values: Float64Array
  /** Series index by `id` and by `seriesKey(expiry, strike, isCall)`. */
  seriesIndex: Map<string, number>
  scratch: {
    expiryValue: Float64Array
    pnl: Float64Array
    mtm: Float64Array
    up: Float64Array
    down: Float64Array
    touchedExpiry: Uint8Array
    bucketNet: Float64Array
    bucketSeen: Uint8Array
    touchedBuckets: Int32Array
  }
}

/** Risk arrays of a whole market state, built once per price tick. */
export type RiskArrays = {
  asOf: number
  units: UnitRiskArray[]
  /** Index into `units` by underlying. */
  unitIndex: Map<string, number>
}

/**
 * One account's positions on one underlying, packed: option j is `optionAmounts[j]` contracts of series
 * `optionSeries[j]` (an index into the unit's `series`). Typed arrays keep an account in a few cache
 * lines; the relay keeps them per account and rewrites them when a position changes.
 */
export type RiskArrayUnitPositions = {
  underlying: string
  optionSeries?: Int32Array | undefined
  optionAmounts?: Float64Array | undefined
  perps?: readonly PerpPosition[] | undefined
}

/** One account as the risk-array path takes it. */
export type RiskArrayAccount = {
  cash?: number | undefined
  collateral?: readonly CollateralLine[] | undefined
  units: readonly RiskArrayUnitPositions[]
}
