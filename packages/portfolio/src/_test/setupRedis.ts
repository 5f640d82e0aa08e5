import { randomUUID } from 'node:crypto'
import { DEFAULT_REDIS_URL } from '@xmargin/devnet'
import { Redis } from 'ioredis'

/** A Redis connection and a fresh key prefix; cleanup deletes the prefix's keys and closes the connection. */
export async function setupRedis(): Promise<{ redis: Redis; prefix: string; cleanup: () => Promise<void> }> {
  const redis = new Redis(process.env.REDIS_URL ?? DEFAULT_REDIS_URL, {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  })
  await redis.connect()
  const prefix = `xmargin-test-${randomUUID().slice(0, 8)}`
  return {
    redis,
    prefix,
    cleanup: async () => {
      const keys = await redis.keys(`*${prefix}*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
    },
  }
}
