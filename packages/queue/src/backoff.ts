export type BackoffParameters = {
  /** Delay before the first retry, before jitter. */
  baseMs: number
  /** Largest delay, before jitter. */
  maxMs: number
}

/**
 * Delay before retry number `attemptsMade` (1 for the first retry): exponential with "equal jitter",
 *
 *   cap   = min(maxMs, baseMs · 2^(attemptsMade − 1))
 *   delay = cap/2 + random · cap/2            ∈ [cap/2, cap]
 *
 * so retries of many jobs that failed together (an RPC outage) spread out instead of arriving in step,
 * while each job still waits at least half the exponential delay.
 *
 * @example jitteredBackoff(3, { baseMs: 1_000, maxMs: 60_000 }) // between 2 000 and 4 000
 */
export function jitteredBackoff(
  attemptsMade: number,
  parameters: BackoffParameters,
  random: () => number = Math.random,
): number {
  const { baseMs, maxMs } = parameters
  const exponent = Math.max(0, attemptsMade - 1)
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 52))
  return Math.round(cap / 2 + random() * (cap / 2))
}
