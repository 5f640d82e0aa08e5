import { MarginInputError } from '../input/MarginInputError.js'
import type { MarginInput } from '../input/marginInputSchema.js'
import { black76Price } from '../pricing/black76Price.js'
import { SECONDS_PER_YEAR } from '../xpm1/expiryConstants.js'
import type { PortfolioChange } from './portfolioChange.js'

/**
 * The margin input after one change (pure: the input is not modified).
 *
 *   option trade:  a new position of `amount` contracts; cash −= amount·price
 *                  (price default: Black-76 value, so the trade alone does not move equity)
 *   perp trade:    a new position of `size` with unrealisedPnl = size·(markPrice − price)
 *   withdrawal:    the first collateral line of (asset, chainId), or cash, falls by `amount`
 *
 * @throws MarginInputError when the underlying, expiry or collateral line does not exist, or a
 * withdrawal exceeds what is held.
 * @example applyChange(input, { kind: 'withdrawCash', amount: 1000 })
 */
export function applyChange(input: MarginInput, change: PortfolioChange): MarginInput {
  switch (change.kind) {
    case 'withdrawCash': {
      const cash = input.cash ?? 0
      if (!(change.amount >= 0 && change.amount <= cash)) {
        throw new MarginInputError(`Cannot withdraw ${change.amount} of cash: the account holds ${cash}`)
      }
      return { ...input, cash: cash - change.amount }
    }
    case 'withdrawCollateral': {
      const lines = input.collateral ?? []
      const index = lines.findIndex((line) => line.asset === change.asset && line.chainId === change.chainId)
      const line = lines[index]
      if (line === undefined) {
        throw new MarginInputError(`No ${change.asset} collateral on chain ${change.chainId}`)
      }
      if (!(change.amount >= 0 && change.amount <= line.amount)) {
        throw new MarginInputError(
          `Cannot withdraw ${change.amount} ${change.asset} on chain ${change.chainId}: the line holds ${line.amount}`,
        )
      }
      const collateral = lines.map((l, i) => (i === index ? { ...l, amount: l.amount - change.amount } : l))
      return { ...input, collateral }
    }
    case 'option': {
      const unitIndex = findUnit(input, change.underlying)
      const unit = input.units[unitIndex]!
      const expiry = unit.expiries?.find((e) => e.expiry === change.expiry)
      if (expiry === undefined) {
        throw new MarginInputError(`${change.underlying} has no expiry ${change.expiry} in the input`)
      }
      const price =
        change.price ??
        black76Price(
          expiry.forward,
          change.strike,
          (expiry.expiry - input.asOf) / SECONDS_PER_YEAR,
          change.vol,
          expiry.discount,
          change.isCall,
        )
      const position = {
        expiry: change.expiry,
        strike: change.strike,
        isCall: change.isCall,
        amount: change.amount,
        vol: change.vol,
        ...(change.id === undefined ? {} : { id: change.id }),
        ...(change.chainId === undefined ? {} : { chainId: change.chainId }),
      }
      return {
        ...input,
        cash: (input.cash ?? 0) - change.amount * price,
        units: input.units.map((u, i) =>
          i === unitIndex ? { ...u, options: [...(u.options ?? []), position] } : u,
        ),
      }
    }
    case 'perp': {
      const unitIndex = findUnit(input, change.underlying)
      const position = {
        size: change.size,
        markPrice: change.markPrice,
        unrealisedPnl: change.size * (change.markPrice - (change.price ?? change.markPrice)),
        ...(change.id === undefined ? {} : { id: change.id }),
        ...(change.chainId === undefined ? {} : { chainId: change.chainId }),
      }
      return {
        ...input,
        units: input.units.map((u, i) =>
          i === unitIndex ? { ...u, perps: [...(u.perps ?? []), position] } : u,
        ),
      }
    }
  }
}

function findUnit(input: MarginInput, underlying: string): number {
  const index = input.units.findIndex((unit) => unit.underlying === underlying)
  if (index < 0) throw new MarginInputError(`The input has no ${underlying} unit (add its market data first)`)
  return index
}
