import { black76Price, SECONDS_PER_YEAR } from '@xmargin/margin'
import type { AccountRisk } from './createRiskBook.js'

/**
 * The mark (USD) of one of the account's positions by its id: a perp's mark price, an option's Black-76
 * premium (from the tick's risk arrays, or priced from the account's input on the slow path). Undefined
 * when the account holds no such position.
 *
 * @example instrumentMark(risk, '31337:2') // 162.4
 */
export function instrumentMark(risk: AccountRisk, id: string): number | undefined {
  for (const unit of risk.portfolio.input.units) {
    const perp = unit.perps?.find((p) => p.id === id)
    if (perp) return perp.markPrice
    const option = unit.options?.find((o) => o.id === id)
    if (!option) continue
    const array = risk.arrays?.units[risk.arrays.unitIndex.get(unit.underlying) ?? -1]
    const series = array?.seriesIndex.get(id)
    if (array && series !== undefined) return array.mark[series]!
    const expiry = unit.expiries?.find((e) => e.expiry === option.expiry)
    if (!expiry) return undefined
    const t = Math.max(0, (option.expiry - risk.portfolio.input.asOf) / SECONDS_PER_YEAR)
    return black76Price(expiry.forward, option.strike, t, option.vol, expiry.discount, option.isCall)
  }
  return undefined
}
