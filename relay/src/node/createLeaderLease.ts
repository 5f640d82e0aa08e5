import type { Redis } from 'ioredis'
import type { Logger } from 'pino'

/** The node holding the lease and its fencing token. */
export type LeaseHolder = { nodeId: string; fence: bigint }

export type LeaderLease = {
  start(): void
  /** Stops renewing and gives the lease up at once if held (the next node takes over without waiting). */
  stop(): Promise<void>
  isLeader(): boolean
  /** This node's fencing token while it leads. */
  fence(): bigint | undefined
  /** Who holds the lease now (read from Redis, cached for `cacheMs`). */
  holder(cacheMs?: number): Promise<LeaseHolder | undefined>
}

// Acquire or renew: the holder renews; anyone takes a free lease with a new fencing token (INCR), so a
// token identifies one tenure and a later tenure always has a larger one.
// KEYS[1] lease, KEYS[2] fence counter; ARGV[1] nodeId, ARGV[2] lease ms. Returns the value held.
const ACQUIRE = `
local value = redis.call('GET', KEYS[1])
if value then
  local holder = string.match(value, '^(.*)|%d+$')
  if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
  return value
end
local fence = redis.call('INCR', KEYS[2])
value = ARGV[1] .. '|' .. fence
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return value
`
// Release only our own tenure. KEYS[1] lease; ARGV[1] the exact value we hold.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

/**
 * A Redis leader lease with a fencing token: one relay node at a time proposes attestations. The holder
 * renews every third of the lease; if it stops (crash, partition, stalled event loop) the lease lapses and
 * another node takes it with a larger token. Signers refuse proposals whose token is not the current
 * holder's, so a deposed leader that wakes up cannot get anything signed.
 *
 * @example
 * const lease = createLeaderLease({ redis, leaseKey, fenceKey, nodeId, leaseMs: 5_000 })
 * lease.start()
 */
export function createLeaderLease(parameters: {
  redis: Redis
  leaseKey: string
  fenceKey: string
  nodeId: string
  leaseMs: number
  onChange?: ((leader: boolean, fence: bigint | undefined) => void) | undefined
  logger?: Logger | undefined
}): LeaderLease {
  const { redis, leaseKey, fenceKey, nodeId, leaseMs, logger } = parameters
  let held: string | undefined
  let timer: NodeJS.Timeout | undefined
  let cache: { at: number; holder: LeaseHolder | undefined } | undefined
  let tick: Promise<void> | undefined
  let stopped = false

  const parse = (value: string | null | undefined): LeaseHolder | undefined => {
    const match = value ? /^(.*)\|(\d+)$/.exec(value) : null
    return match ? { nodeId: match[1]!, fence: BigInt(match[2]!) } : undefined
  }
  const set = (value: string | undefined) => {
    const was = held
    held = value
    if (was !== value) {
      const fence = parse(value)?.fence
      logger?.info(
        { leader: value !== undefined, fence: fence?.toString() },
        value ? 'leader lease acquired' : 'leader lease lost',
      )
      parameters.onChange?.(value !== undefined, fence)
    }
  }

  const renew = async () => {
    // The renewal deadline: past it, assume the lease lapsed even if Redis has not answered.
    const deadline = Date.now() + leaseMs
    try {
      const value = (await redis.eval(ACQUIRE, 2, leaseKey, fenceKey, nodeId, String(leaseMs))) as string
      cache = { at: Date.now(), holder: parse(value) }
      if (stopped) return
      set(parse(value)?.nodeId === nodeId && Date.now() < deadline ? value : undefined)
    } catch (error) {
      logger?.warn({ err: error }, 'leader lease renewal failed')
      set(undefined)
    }
  }

  const loop = () => {
    if (stopped) return
    tick = renew().finally(() => {
      if (!stopped) timer = setTimeout(loop, Math.max(50, Math.floor(leaseMs / 3)))
    })
  }

  return {
    start: loop,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await tick
      const value = held
      held = undefined
      if (value) await redis.eval(RELEASE, 1, leaseKey, value).catch(() => {})
      if (value) parameters.onChange?.(false, undefined)
    },
    isLeader: () => held !== undefined,
    fence: () => parse(held)?.fence,
    async holder(cacheMs = 0) {
      if (cache && Date.now() - cache.at <= cacheMs) return cache.holder
      const holder = parse(await redis.get(leaseKey))
      cache = { at: Date.now(), holder }
      return holder
    },
  }
}
