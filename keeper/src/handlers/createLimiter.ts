/** Runs at most `limit` tasks at once; the others wait in arrival order. */
export type Limiter = <value>(task: () => Promise<value>) => Promise<value>

/**
 * A semaphore for the CPU- and RPC-heavy part of a job (reads, simulation, signing, sending): jobs waiting
 * for their receipts hold a worker slot but not a permit, so many can be in flight while a few are prepared
 * at a time, first come first served. Without it, hundreds of jobs interleave every step and all reach the
 * node at the end of the burst instead of one after the other. A limit of 0 means no limit.
 *
 * @example const prepare = createLimiter(16); const tx = await prepare(() => engine.submit(request))
 */
export function createLimiter(limit: number): Limiter {
  if (!(limit > 0)) return (task) => task()
  let active = 0
  const waiting: Array<() => void> = []
  const release = () => {
    active--
    waiting.shift()?.()
  }
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    active++
    try {
      return await task()
    } finally {
      release()
    }
  }
}
