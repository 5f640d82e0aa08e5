import type { MarginResult, UnitMarginDetail } from './marginResult.js'
import type { Scenario } from './paramsSchema.js'

/** The output of `xmargin margin` (DESIGN.md §3), plus each unit's worst scenario spelled out. */
export type MarginOutput = {
  equity: number
  initialMargin: number
  maintenanceMargin: number
  imSurplus: number
  mmSurplus: number
  /** equity/MM, or null when MM = 0 (JSON has no infinity). */
  health: number | null
  units: {
    underlying: string
    mtm: number
    worst: number
    /** Index into the unit's `params.scenarios`. */
    worstScenario: number
    /** That scenario: spot shock, vol state, dampening. */
    worstShock: Scenario
    basis: number
    im: number
    mm: number
  }[]
}

/**
 * The JSON-ready §3 output of a margin result: the account figures and, per unit, mtm, worst,
 * worstScenario (+ worstShock), basis, im, mm.
 *
 * @example JSON.stringify(marginOutput(computeMargin(input)), null, 2)
 */
export function marginOutput(result: MarginResult<UnitMarginDetail>): MarginOutput {
  return {
    equity: result.equity,
    initialMargin: result.initialMargin,
    maintenanceMargin: result.maintenanceMargin,
    imSurplus: result.imSurplus,
    mmSurplus: result.mmSurplus,
    health: Number.isFinite(result.health) ? result.health : null,
    units: result.units.map((unit) => ({
      underlying: unit.underlying,
      mtm: unit.mtm,
      worst: unit.worst,
      worstScenario: unit.worstScenario,
      worstShock: unit.worstShock,
      basis: unit.basis,
      im: unit.im,
      mm: unit.mm,
    })),
  }
}
