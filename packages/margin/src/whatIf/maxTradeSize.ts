import { MarginInputError } from '../input/MarginInputError.js'
import type { MarginInput } from '../input/marginInputSchema.js'
import { computeMargin } from '../xpm1/computeMargin.js'
import type { MarginResult, UnitMarginDetail } from '../xpm1/marginResult.js'
import { applyChange } from './applyChange.js'
import type { TradeChange } from './portfolioChange.js'

export type MaxTradeSizeResult = {
  /** λ: the trade's amount (or size) times λ is the largest trade found. */
  multiple: number
  /** λ·amount (options) or λ·size (perpetuals), signed like the trade. */
  size: number
  /** Margin after the largest trade (before any trade when multiple is 0). */
  after: MarginResult<UnitMarginDetail>
  /**
   * `imSurplus`: the next larger trade would make imSurplus negative;
   * `alreadyBelowInitialMargin`: imSurplus < 0 before any trade, so none is allowed;
   * `unbounded`: still imSurplus ≥ 0 at `maxMultiple` (a trade that only reduces risk).
   */
  limitedBy: 'imSurplus' | 'alreadyBelowInitialMargin' | 'unbounded'
}

/**
 * The largest multiple λ ≥ 0 of a trade (its amount or size gives direction and unit) that keeps
 * imSurplus ≥ 0, from the portfolio as it is:
 *
 *   s(λ) = imSurplus(applyChange(input, λ·trade))
 *   λ* = sup { λ : s(μ) ≥ 0 for every μ in [0, λ] }
 *
 * found by doubling λ from 1 until s < 0 (halving first when s(1) < 0), then 60 bisection steps.
 * IM is not linear in λ (a hedge first lowers it), so this is the edge of the first feasible stretch
 * met from 0 on the doubling grid; the returned λ always satisfies s(λ) ≥ 0.
 *
 * @example maxTradeSize(input, { kind: 'perp', underlying: 'ETH', size: 1, markPrice: 3500 }).size
 */
export function maxTradeSize(
  input: MarginInput,
  trade: TradeChange,
  options: { maxMultiple?: number } = {},
): MaxTradeSizeResult {
  const unit = trade.kind === 'option' ? trade.amount : trade.size
  if (!(unit !== 0 && Number.isFinite(unit))) {
    throw new MarginInputError(
      'maxTradeSize: the trade amount must be a non-zero number (its sign is the direction)',
    )
  }
  const maxMultiple = options.maxMultiple ?? 1e12
  const at = (multiple: number) =>
    computeMargin(
      applyChange(
        input,
        trade.kind === 'option' ? { ...trade, amount: unit * multiple } : { ...trade, size: unit * multiple },
      ),
    )
  const result = (
    multiple: number,
    after: MarginResult<UnitMarginDetail>,
    limitedBy: MaxTradeSizeResult['limitedBy'],
  ) => ({
    multiple,
    size: unit * multiple,
    after,
    limitedBy,
  })

  const before = computeMargin(input)
  if (before.imSurplus < 0) return result(0, before, 'alreadyBelowInitialMargin')

  let lo = 0
  let loMargin = before
  let hi = 1
  let hiMargin = at(hi)
  if (hiMargin.imSurplus >= 0) {
    while (hiMargin.imSurplus >= 0) {
      lo = hi
      loMargin = hiMargin
      if (hi >= maxMultiple) return result(lo, loMargin, 'unbounded')
      hi = Math.min(hi * 2, maxMultiple)
      hiMargin = at(hi)
    }
  } else {
    // shrink until a feasible point appears between 0 and hi
    for (let i = 0; i < 60; i++) {
      const mid = hi / 2
      const midMargin = at(mid)
      if (midMargin.imSurplus >= 0) {
        lo = mid
        loMargin = midMargin
        break
      }
      hi = mid
      hiMargin = midMargin
    }
  }
  for (let i = 0; i < 60 && hi - lo > 1e-13 * hi; i++) {
    const mid = 0.5 * (lo + hi)
    const midMargin = at(mid)
    if (midMargin.imSurplus >= 0) {
      lo = mid
      loMargin = midMargin
    } else {
      hi = mid
    }
  }
  return result(lo, loMargin, 'imSurplus')
}
