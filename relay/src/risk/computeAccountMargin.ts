import {
  computeMargin,
  type MarginInput,
  type MarginResult,
  marginFromRiskArrays,
  type RiskArrays,
  type RiskArrayUnitPositions,
  type UnitMargin,
} from '@xmargin/margin'

/**
 * An account's XPM-1 margin from the tick's risk arrays (the fast path: a weighted sum per unit), or by
 * direct revaluation when the arrays lack one of its series or underlyings. Both give the same figures
 * for the same positions; `input.params` must be the parameters the arrays were built with.
 *
 * @example const margin = computeAccountMargin(arrays, input)
 */
export function computeAccountMargin(
  arrays: RiskArrays | undefined,
  input: MarginInput,
): { result: MarginResult<UnitMargin>; fastPath: boolean } {
  const units = arrays ? riskArrayUnits(arrays, input) : undefined
  if (arrays && units) {
    return {
      result: marginFromRiskArrays(arrays, { cash: input.cash, collateral: input.collateral, units }),
      fastPath: true,
    }
  }
  return { result: computeMargin(input), fastPath: false }
}

/** The account's positions as indices into the arrays' series; undefined when one is missing. */
function riskArrayUnits(arrays: RiskArrays, input: MarginInput): RiskArrayUnitPositions[] | undefined {
  const units: RiskArrayUnitPositions[] = []
  for (const unit of input.units) {
    const index = arrays.unitIndex.get(unit.underlying)
    if (index === undefined) return undefined
    const array = arrays.units[index]!
    const options = unit.options ?? []
    const optionSeries = new Int32Array(options.length)
    const optionAmounts = new Float64Array(options.length)
    for (const [j, option] of options.entries()) {
      const series = option.id === undefined ? undefined : array.seriesIndex.get(option.id)
      if (series === undefined) return undefined
      optionSeries[j] = series
      optionAmounts[j] = option.amount
    }
    units.push({ underlying: unit.underlying, optionSeries, optionAmounts, perps: unit.perps ?? [] })
  }
  return units
}
