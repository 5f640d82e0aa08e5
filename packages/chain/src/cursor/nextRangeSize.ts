/** Block ranges of `eth_getLogs`: where the cursor starts, and its bounds. */
export type RangeBounds = {
  /** First range tried (blocks). Default 1 000. */
  initial: number
  /** Smallest range (blocks); a failure at this size is a real failure. Default 1. */
  min: number
  /** Largest range (blocks). Default 10 000 (a common provider cap). */
  max: number
}

export const DEFAULT_RANGE_BOUNDS: RangeBounds = { initial: 1_000, min: 1, max: 10_000 }

/**
 * The next `eth_getLogs` range size: double after a success, halve after the node refused the size or timed
 * out, within the bounds (additive growth would take too long to recover after one dense block range).
 *
 * @example nextRangeSize(1_000, 'tooLarge') // 500
 */
export function nextRangeSize(
  current: number,
  outcome: 'ok' | 'tooLarge',
  bounds: RangeBounds = DEFAULT_RANGE_BOUNDS,
): number {
  const next = outcome === 'ok' ? current * 2 : Math.floor(current / 2)
  return Math.max(bounds.min, Math.min(bounds.max, next))
}
