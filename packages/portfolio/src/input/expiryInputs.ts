import type { ChainMap, ChainMarket } from '@xmargin/chain'
import type { ExpiryInput } from '@xmargin/margin'
import type { Hex } from 'viem'
import { fromWad, SECONDS_PER_YEAR } from './units.js'

/**
 * The expiry curve of an underlying priced on `chainId`: for each expiry, with `T = (expiry − asOf) /
 * 31 536 000` and the chain's annualised rate r, `F = spot·e^{rT}` and `D = e^{−rT}`.
 *
 * @example expiryInputs(key, [expiry], markets, 31337, 3500, asOf)
 */
export function expiryInputs(
  key: Hex,
  expiries: readonly bigint[],
  markets: ChainMap<ChainMarket>,
  chainId: number,
  spot: number,
  asOf: number,
): ExpiryInput[] {
  const rate = fromWad(markets[chainId]?.rates.get(key) ?? 0n)
  return expiries.map((expiry) => {
    const timeYears = (Number(expiry) - asOf) / SECONDS_PER_YEAR
    return {
      expiry: Number(expiry),
      forward: spot * Math.exp(rate * timeYears),
      rate,
      discount: Math.exp(-rate * timeYears),
    }
  })
}
