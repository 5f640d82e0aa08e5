/** A token bucket's state: tokens may go negative, which is a queue of reservations. */
export type TokenBucketState = { tokens: number; updatedAtMs: number }

export type TokenBucketConfig = {
  /** Sustained rate (tokens per second, > 0). */
  ratePerSecond: number
  /** Largest burst (tokens, ≥ 1). */
  burst: number
}

/**
 * Reserves one token at `nowMs` and says how long the caller must wait before using it. Tokens refill at
 * `ratePerSecond` up to `burst`; a reservation may drive the balance negative, and each later caller waits
 * for its own place in that queue, so callers are served in arrival order without a timer per bucket.
 *
 * `tokens' = min(burst, tokens + rate·Δt) − 1`, `wait = max(0, −tokens') / rate`
 *
 * @example reserveToken({ tokens: 0, updatedAtMs: 0 }, 0, { ratePerSecond: 10, burst: 1 }).waitMs // 100
 */
export function reserveToken(
  state: TokenBucketState,
  nowMs: number,
  config: TokenBucketConfig,
): { state: TokenBucketState; waitMs: number } {
  const elapsedS = Math.max(0, nowMs - state.updatedAtMs) / 1_000
  const refilled = Math.min(config.burst, state.tokens + elapsedS * config.ratePerSecond)
  const tokens = refilled - 1
  const waitMs = tokens >= 0 ? 0 : (-tokens / config.ratePerSecond) * 1_000
  return { state: { tokens, updatedAtMs: nowMs }, waitMs }
}

/** A full bucket at `nowMs`. */
export function fullBucket(config: TokenBucketConfig, nowMs: number): TokenBucketState {
  return { tokens: config.burst, updatedAtMs: nowMs }
}
