import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A base prefix no other test uses. */
export function freshBasePrefix(): string {
  return `xmargin-test-${randomUUID()}`
}

/** Deletes every key of every queue under `basePrefix` (all of them start with `{<basePrefix>:`). */
export async function deleteQueues(basePrefix: string): Promise<void> {
  const redis = new Redis(redisUrl)
  try {
    const keys = await redis.keys(`{${basePrefix}:*`)
    if (keys.length) await redis.del(...keys)
  } finally {
    redis.disconnect()
  }
}

/** Counts the keys under `basePrefix`, grouped by hash tag. */
export async function keysByHashTag(basePrefix: string): Promise<Record<string, number>> {
  const redis = new Redis(redisUrl)
  try {
    const keys = await redis.keys(`{${basePrefix}:*`)
    const counts: Record<string, number> = {}
    for (const key of keys) {
      const tag = key.slice(0, key.indexOf('}') + 1).replace(basePrefix, '<base>')
      counts[tag] = (counts[tag] ?? 0) + 1
    }
    return counts
  } finally {
    redis.disconnect()
  }
}

/** Resolves once `check` returns true, polling every 20 ms; rejects after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
