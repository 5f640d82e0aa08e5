/**
 * The liquidation penalty in USD: the discount times the notional closed, perpetuals and options alike,
 * each priced at its underlying's spot:
 *
 *   penalty = d·Σ_i |closeSize_i|·spot_i
 *
 * The backstop takes each closed position over at its mark, so the transfer is equity-neutral and the
 * account's equity falls by exactly the penalty.
 *
 * @example liquidationPenalty(0.03, [{ closeSize: -0.5, spot: 100_000 }, { closeSize: 4, spot: 3500 }]) // 1920
 */
export function liquidationPenalty(
  discount: number,
  closes: readonly { closeSize: number; spot: number }[],
): number {
  let notional = 0
  for (const close of closes) notional += Math.abs(close.closeSize) * close.spot
  return discount * notional
}
