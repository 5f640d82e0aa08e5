import { MarginInputError } from '../input/MarginInputError.js'
import type { MarginInput } from '../input/marginInputSchema.js'
import { black76Price } from '../pricing/black76Price.js'
import { SECONDS_PER_YEAR } from '../xpm1/expiryConstants.js'
import type { LiquidationPlan } from './planLiquidation.js'

/**
 * The account after a liquidation plan is executed: each closed position is taken over by the
 * backstop at its mark and the penalty is paid from cash.
 *
 *   option:     amount' = amount + closeSize,  cash += −closeSize·B76 mark of the series
 *   perpetual:  size' = size + closeSize,       realised share φ = −closeSize/size of unrealisedPnl
 *               moves to cash, unrealisedPnl' = (1 − φ)·unrealisedPnl
 *   then        cash −= penalty
 *
 * so computeMargin of the result has equity = plan.equityAfter and MM = plan.mmAfter (up to rounding).
 *
 * @throws MarginInputError when a close does not match the input (wrong index, or it would flip a sign).
 */
export function applyLiquidation(
  input: MarginInput,
  plan: Pick<LiquidationPlan, 'closes' | 'penalty'>,
): MarginInput {
  let cash = input.cash ?? 0
  const units = input.units.map((unit) => ({
    ...unit,
    options: (unit.options ?? []).map((option) => ({ ...option })),
    perps: (unit.perps ?? []).map((perp) => ({ ...perp })),
  }))
  for (const close of plan.closes) {
    const unit = units.find((u) => u.underlying === close.underlying)
    const position = unit?.[close.kind === 'option' ? 'options' : 'perps'][close.index]
    if (unit === undefined || position === undefined) {
      throw new MarginInputError(`applyLiquidation: ${close.id} is not a position of the input`)
    }
    const size = 'amount' in position ? position.amount : position.size
    const sizeAfter = size + close.closeSize
    if (Math.sign(sizeAfter) === -Math.sign(size) || Math.abs(sizeAfter) > Math.abs(size)) {
      throw new MarginInputError(
        `applyLiquidation: closing ${close.closeSize} of ${close.id} (size ${size}) does not move it toward zero`,
      )
    }
    if ('amount' in position) {
      const expiry = unit.expiries?.find((e) => e.expiry === position.expiry)
      if (expiry === undefined) throw new MarginInputError(`applyLiquidation: ${close.id} has no expiry data`)
      const mark = black76Price(
        expiry.forward,
        position.strike,
        (expiry.expiry - input.asOf) / SECONDS_PER_YEAR,
        position.vol,
        expiry.discount,
        position.isCall,
      )
      cash -= close.closeSize * mark
      position.amount = sizeAfter
    } else {
      const realised = (-close.closeSize / size) * position.unrealisedPnl
      cash += realised
      position.unrealisedPnl -= realised
      position.size = sizeAfter
    }
  }
  return { ...input, cash: cash - plan.penalty, units }
}
