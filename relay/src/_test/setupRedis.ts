import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'

/**
 * A Redis connection and a fresh key prefix for one test; `cleanup` deletes every key under the prefix
 * and closes the connection.
 */
export async function setupRedis(): Promise<{
  redis: Redis
  url: string
  prefix: string
  cleanup: () => Promise<void>
}> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true })
  await redis.connect()
  const prefix = `xr-test-${randomUUID().slice(0, 8)}`
  return {
    redis,
    url,
    prefix,
    cleanup: async () => {
      const keys = await redis.keys(`*${prefix}*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
    },
  }
}
