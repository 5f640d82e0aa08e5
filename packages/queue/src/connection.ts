import type { ConnectionOptions } from 'bullmq'
import type { Redis } from 'ioredis'

/**
 * A Redis URL (the queue or worker opens its own connections and closes them) or an ioredis client the
 * caller owns and closes (created with `maxRetriesPerRequest: null` and without `keyPrefix`).
 */
export type RedisConnection = string | Redis

/** BullMQ connection options: workers block on Redis, so commands must never give up retrying. */
export function toConnectionOptions(connection: RedisConnection): ConnectionOptions {
  return typeof connection === 'string' ? { url: connection, maxRetriesPerRequest: null } : connection
}
