import type { MarginResult } from './marginResult.js'

/**
 * The account figures from its units (DESIGN.md §3):
 *
 *   equity = cash + collateralValue + Σ MtM_u,   IM = Σ IM_u,   MM = Σ MM_u
 *   imSurplus = equity − IM,   mmSurplus = equity − MM,   health = equity/MM
 *
 * Shared by the direct and the risk-array paths so that both sum in the same order.
 */
export function assembleMargin<Unit extends { mtm: number; im: number; mm: number }>(
  cash: number,
  collateral: number,
  units: Unit[],
): MarginResult<Unit> {
  let equity = cash + collateral
  let initialMargin = 0
  let maintenanceMargin = 0
  for (const unit of units) {
    equity += unit.mtm
    initialMargin += unit.im
    maintenanceMargin += unit.mm
  }
  return {
    equity,
    cash,
    collateralValue: collateral,
    initialMargin,
    maintenanceMargin,
    imSurplus: equity - initialMargin,
    mmSurplus: equity - maintenanceMargin,
    health: healthOf(equity, maintenanceMargin),
    units,
  }
}

/** equity/MM, with +∞ (MM = 0, equity ≥ 0) and −∞ (MM = 0, equity < 0) instead of NaN. */
export function healthOf(equity: number, maintenanceMargin: number): number {
  if (maintenanceMargin > 0) return equity / maintenanceMargin
  return equity >= 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY
}
