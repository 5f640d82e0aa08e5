import type { Redis } from 'ioredis'

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`

export type LeaderLease = {
  /** Tries to take the lease now and keeps trying (and renewing) every third of its time to live. */
  start(): Promise<void>
  /** Stops renewing and gives the lease back if held (`onLost` runs first). */
  stop(): Promise<void>
  isLeader(): boolean
}

/**
 * A Redis lease that elects one holder among many processes (`SET key holder NX PX ttl`, renewed every
 * third of the ttl, given back on stop). A holder that dies loses it after `ttlMs`; another takes over.
 * Two holders can overlap for at most one renewal period when Redis is unreachable: what it guards must
 * be idempotent (the PacketSent watcher is: job ids dedupe, the cursor re-reads a range at worst).
 *
 * @example const lease = createLeaderLease({ redis, key, holderId, ttlMs: 10_000, onAcquired, onLost })
 */
export function createLeaderLease(parameters: {
  redis: Redis
  key: string
  holderId: string
  ttlMs: number
  onAcquired: () => void | Promise<void>
  onLost: () => void | Promise<void>
  onError?: ((error: unknown) => void) | undefined
}): LeaderLease {
  const { redis, key, holderId, ttlMs } = parameters
  let leader = false
  let timer: NodeJS.Timeout | undefined
  let running = false
  let tick: Promise<void> = Promise.resolve()

  const step = async () => {
    try {
      if (leader) {
        const renewed = Number(await redis.eval(RENEW, 1, key, holderId, String(ttlMs)))
        if (!renewed) {
          leader = false
          await parameters.onLost()
        }
      } else if ((await redis.set(key, holderId, 'PX', ttlMs, 'NX')) === 'OK') {
        leader = true
        await parameters.onAcquired()
      }
    } catch (error) {
      parameters.onError?.(error)
    }
  }
  const schedule = () => {
    timer = setTimeout(
      () => {
        tick = step().finally(() => {
          if (running) schedule()
        })
      },
      Math.max(50, Math.floor(ttlMs / 3)),
    )
  }

  return {
    async start() {
      if (running) return
      running = true
      tick = step()
      await tick
      schedule()
    },
    async stop() {
      running = false
      clearTimeout(timer)
      await tick
      if (!leader) return
      leader = false
      await parameters.onLost()
      await redis.eval(RELEASE, 1, key, holderId).catch((error: unknown) => parameters.onError?.(error))
    },
    isLeader: () => leader,
  }
}
