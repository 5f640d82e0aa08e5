import type { MarginInput } from '../input/marginInputSchema.js'
import { computeMargin } from '../xpm1/computeMargin.js'
import type { MarginResult, UnitMarginDetail } from '../xpm1/marginResult.js'
import { applyChange } from './applyChange.js'
import type { PortfolioChange } from './portfolioChange.js'

export type WhatIfResult = {
  before: MarginResult<UnitMarginDetail>
  after: MarginResult<UnitMarginDetail>
  /** The portfolio after all changes, for a follow-up what-if. */
  input: MarginInput
  /** after.imSurplus ≥ 0: what new risk and withdrawals need. */
  allowed: boolean
}

/**
 * The margin of a portfolio before and after one or more changes (trades, withdrawals), applied in
 * order.
 *
 * @example whatIf(input, { kind: 'perp', underlying: 'ETH', size: 5, markPrice: 3500 }).after.imSurplus
 */
export function whatIf(
  input: MarginInput,
  changes: PortfolioChange | readonly PortfolioChange[],
): WhatIfResult {
  const list: readonly PortfolioChange[] = Array.isArray(changes) ? changes : [changes as PortfolioChange]
  let next = input
  for (const change of list) next = applyChange(next, change)
  const after = computeMargin(next)
  return { before: computeMargin(input), after, input: next, allowed: after.imSurplus >= 0 }
}
