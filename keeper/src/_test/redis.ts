import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A key prefix no other test uses. */
export function freshPrefix(): string {
  return `xmargin-keeper-test-${randomUUID().slice(0, 8)}`
}

/** Deletes every key under `prefix` (queues, ledger, leases, cursors all start with `{<prefix>:`). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`{${prefix}:*`)
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500))
}

/** Resolves once `check` returns true, polling every 50 ms; rejects after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
