/** Spaces calls evenly: `take()` resolves at most `ratePerSecond` times per second, in call order. */
export type Pacer = { take(): Promise<void> }

/**
 * A pacer for transaction sends: a burst of jobs goes out spread over blocks instead of all at once, which
 * keeps the node's pending pool (and the work of every `eth_call` at `pending` on it) small. A rate of 0
 * means no limit.
 *
 * @example const pacer = createPacer(120); await pacer.take(); await engine.submit(…)
 */
export function createPacer(ratePerSecond: number): Pacer {
  if (!(ratePerSecond > 0)) return { take: () => Promise.resolve() }
  const intervalMs = 1_000 / ratePerSecond
  let next = 0
  return {
    take() {
      const now = performance.now()
      const at = Math.max(now, next)
      next = at + intervalMs
      const wait = at - now
      return wait < 1 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, wait))
    },
  }
}
