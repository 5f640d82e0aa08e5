import type { MarginInput } from '../input/marginInputSchema.js'
import { parseMarginInput } from '../input/parseMarginInput.js'
import { assembleMargin } from './assembleMargin.js'
import { collateralValue } from './collateralValue.js'
import { computeUnitMargin } from './computeUnitMargin.js'
import type { MarginResult, UnitMarginDetail } from './marginResult.js'
import { resolveParams } from './resolveParams.js'

/**
 * The XPM-1 margin of one account by direct revaluation (DESIGN.md §3): equity, IM, MM, surpluses,
 * health, and per unit the MtM, worst scenario, basis contingency, contingencies and requirements.
 *
 * The input is trusted unless `options.validate` is set (then it goes through `parseMarginInput`,
 * which throws a `MarginInputError` naming the field). For many accounts over one market state, use
 * `buildRiskArrays` once and `marginFromRiskArrays` per account instead (same numbers, much faster).
 *
 * @example computeMargin(JSON.parse(text), { validate: true }).health
 */
export function computeMargin(
  input: MarginInput,
  options: { validate?: boolean } = {},
): MarginResult<UnitMarginDetail> {
  if (options.validate) input = parseMarginInput(input)
  const units = input.units.map((unit) =>
    computeUnitMargin(unit, resolveParams(input.params, unit.underlying), input.asOf),
  )
  return assembleMargin(input.cash ?? 0, collateralValue(input.collateral), units)
}
