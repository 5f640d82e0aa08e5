import type { Scenario } from './paramsSchema.js'

/** One risk unit's margin (all USD). */
export type UnitMargin = {
  underlying: string
  /** Σ expiry MtM (Black-76) + Σ perpetual unrealised P&L. */
  mtm: number
  /** The lowest scenario P&L. */
  worst: number
  /** Index into the unit's `params.scenarios` of the lowest P&L (the first, on a tie). */
  worstScenario: number
  /** The basis contingency, Σ per expiry (≤ 0). */
  basis: number
  /** L = min(basis, worst). */
  loss: number
  /** Contracts short net of longs, per strike and expiry, summed. */
  nakedShortContracts: number
  /** |net perpetual size|. */
  netPerpSize: number
  /** imC + mmC. */
  contingencyIm: number
  /** mmC. */
  contingencyMm: number
  /** IM_u = −lossFactor.im·L + imC + mmC. */
  im: number
  /** MM_u = −lossFactor.mm·L + mmC. */
  mm: number
}

/** One expiry's contribution, for explanation. */
export type ExpiryDetail = {
  expiry: number
  timeYears: number
  mtm: number
  basis: number
  volUp: number
  volDown: number
  staticLong: number
  staticShort: number
}

/** A unit's margin with the whole scenario vector and per-expiry detail (the direct path). */
export type UnitMarginDetail = UnitMargin & {
  /** The scenario at `worstScenario`. */
  worstShock: Scenario
  /** P&L of every scenario, in `params.scenarios` order. */
  scenarioPnl: number[]
  expiries: ExpiryDetail[]
}

/** The account's margin (DESIGN.md §3), all USD. */
export type MarginResult<Unit extends { mtm: number; im: number; mm: number } = UnitMargin> = {
  /** cash + collateralValue + Σ unit MtM. */
  equity: number
  cash: number
  /** Σ amount·price·(1 − haircut)·(1 − chainPenalty). */
  collateralValue: number
  /** Σ IM_u. */
  initialMargin: number
  /** Σ MM_u. */
  maintenanceMargin: number
  /** equity − initialMargin; new risk and withdrawals need ≥ 0 after the change. */
  imSurplus: number
  /** equity − maintenanceMargin; liquidatable when < 0. */
  mmSurplus: number
  /** equity/maintenanceMargin; +∞ when MM = 0 and equity ≥ 0, −∞ when MM = 0 and equity < 0. */
  health: number
  units: Unit[]
}
