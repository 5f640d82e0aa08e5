import { MarginInputError } from '../input/MarginInputError.js'
import type { MarginInput } from '../input/marginInputSchema.js'
import { computeMargin } from '../xpm1/computeMargin.js'
import type { MarginResult, UnitMarginDetail } from '../xpm1/marginResult.js'
import { applyChange } from './applyChange.js'

export type MaxWithdrawalResult = {
  /** Units of the asset (or USD for cash). */
  amount: number
  after: MarginResult<UnitMarginDetail>
}

/**
 * The largest withdrawal of cash or of one collateral line that keeps imSurplus ≥ 0. Collateral does
 * not enter the requirements, so imSurplus falls linearly with the amount:
 *
 *   cash:        amount = min(cash, imSurplus)
 *   collateral:  amount = min(line.amount, imSurplus / (price·(1 − haircut)·(1 − chainPenalty)))
 *                (the whole line when it has no margin value)
 *
 * and 0 when imSurplus ≤ 0. The result is checked with computeMargin and nudged down by a few ulps
 * if rounding left imSurplus a hair below 0. Only the first line of (asset, chainId) is considered.
 *
 * @example maxWithdrawal(input, { asset: 'USDC', chainId: 31337 }).amount
 */
export function maxWithdrawal(
  input: MarginInput,
  target: { asset: string; chainId: number } | 'cash',
): MaxWithdrawalResult {
  const before = computeMargin(input)
  const surplus = Math.max(0, before.imSurplus)
  let amount: number
  let change: (amount: number) => MarginInput
  if (target === 'cash') {
    amount = Math.max(0, Math.min(input.cash ?? 0, surplus))
    change = (a) => applyChange(input, { kind: 'withdrawCash', amount: a })
  } else {
    const line = (input.collateral ?? []).find(
      (l) => l.asset === target.asset && l.chainId === target.chainId,
    )
    if (line === undefined)
      throw new MarginInputError(`No ${target.asset} collateral on chain ${target.chainId}`)
    const valuePerUnit = line.price * (1 - line.haircut) * (1 - (line.chainPenalty ?? 0))
    amount = valuePerUnit > 0 ? Math.min(line.amount, surplus / valuePerUnit) : line.amount
    change = (a) => applyChange(input, { kind: 'withdrawCollateral', ...target, amount: a })
  }
  let after = computeMargin(change(amount))
  for (let i = 0; i < 64 && after.imSurplus < 0 && amount > 0; i++) {
    amount = Math.max(0, amount - Math.max(Math.abs(amount) * 2 ** -50, Number.MIN_VALUE) * 2 ** i)
    after = computeMargin(change(amount))
  }
  return { amount, after }
}
