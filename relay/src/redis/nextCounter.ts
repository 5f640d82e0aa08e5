import type { Redis } from 'ioredis'

// next = max(last + 1, now): strictly increasing across crashes and restarts, and (when the clock is
// sane) across a Redis that lost its data, so a fresh counter never reuses a sequence or nonce the chain
// has already seen. KEYS[1] counter; ARGV[1] now (ms).
const NEXT = `
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local next = last + 1
if now > next then next = now end
redis.call('SET', KEYS[1], string.format('%d', next))
return string.format('%d', next)
`

/**
 * The next value of a monotonic Redis counter: `max(last + 1, now in ms)`. Gaps are fine; repeats never
 * happen. Attestation sequences and permit nonces come from it.
 *
 * @example const sequence = await nextCounter(redis, keys.sequence(account))
 */
export async function nextCounter(redis: Redis, key: string, nowMs = Date.now()): Promise<bigint> {
  return BigInt((await redis.eval(NEXT, 1, key, String(nowMs))) as string)
}
