import type { CollateralLine } from '../input/marginInputSchema.js'

/**
 * The margin value of collateral: Σ amount·price·(1 − haircut)·(1 − chainPenalty), where the chain
 * penalty prices bridge, finality and oracle-latency risk of the chain that holds the line.
 *
 * @example collateralValue([{ asset: 'WETH', chainId: 31338, amount: 4, price: 3500, haircut: 0.1, chainPenalty: 0.02 }]) // 12348
 */
export function collateralValue(lines: readonly CollateralLine[] | undefined): number {
  let value = 0
  if (lines === undefined) return value
  for (const line of lines) {
    value += line.amount * line.price * (1 - line.haircut) * (1 - (line.chainPenalty ?? 0))
  }
  return value
}
