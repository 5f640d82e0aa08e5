/** Backoff of the first retry round (ms). */
export const DEFAULT_BACKOFF_BASE_MS = 100
/** Longest wait between retry rounds (ms). */
export const DEFAULT_BACKOFF_MAX_MS = 2_000

export type BackoffParameters = {
  /** Delay of the first retry (ms). Default 100. */
  baseMs?: number | undefined
  /** Cap (ms). Default 2 000. */
  maxMs?: number | undefined
  /** Uniform [0, 1) source; default Math.random (tests pass a constant). */
  random?: (() => number) | undefined
}

/**
 * The wait before retry round `attempt` (0-based): exponential with "equal jitter", so concurrent callers
 * that failed together do not retry together.
 *
 * `delay = min(maxMs, baseMs·2^attempt) · (1 + random) / 2`
 *
 * @example backoffDelay(0, { random: () => 0 }) // 50
 */
export function backoffDelay(attempt: number, parameters: BackoffParameters = {}): number {
  const {
    baseMs = DEFAULT_BACKOFF_BASE_MS,
    maxMs = DEFAULT_BACKOFF_MAX_MS,
    random = Math.random,
  } = parameters
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt))
  return Math.round((ceiling * (1 + random())) / 2)
}
