import type { Band } from '@xmargin/sdk'

export type BandThresholds = { healthy: number; warning: number }

/**
 * The band of an account's margin: `liquidatable` when mmSurplus < 0, else by health = equity / MM:
 * `healthy` ≥ thresholds.healthy > `warning` ≥ thresholds.warning > `danger` (≥ 1). An account without
 * maintenance margin and with equity ≥ 0 is healthy.
 *
 * @example healthBand({ equity: 130, maintenanceMargin: 100, mmSurplus: 30 }, { healthy: 1.5, warning: 1.2 }) // 'warning'
 */
export function healthBand(
  margin: { equity: number; maintenanceMargin: number; mmSurplus: number },
  thresholds: BandThresholds,
): Band {
  if (margin.mmSurplus < 0) return 'liquidatable'
  if (margin.maintenanceMargin <= 0) return 'healthy'
  const health = margin.equity / margin.maintenanceMargin
  if (health >= thresholds.healthy) return 'healthy'
  if (health >= thresholds.warning) return 'warning'
  return 'danger'
}

/** Bands from safest to riskiest, for ordering. */
export const BAND_ORDER: readonly Band[] = ['healthy', 'warning', 'danger', 'liquidatable']
