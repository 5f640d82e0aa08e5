import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { redactUrl } from '@xmargin/errors'
import { Redis } from 'ioredis'
import { type ManagedProcess, spawnManaged } from './childProcesses.js'
import { MissingBinaryError } from './errors.js'

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'
export const REDIS_INSTALL_COMMAND = 'sudo apt-get install -y redis-server'

export type DevnetRedis = {
  url: string
  /** True when the devnet started this redis-server (and stops it). */
  owned: boolean
  process: ManagedProcess | undefined
  stop(): Promise<void>
}

/**
 * Uses the Redis at `url` when it answers PING; otherwise starts a private `redis-server` on a free
 * port (no persistence) and stops it with the devnet. Fails with the install command when the binary is
 * missing.
 */
export async function findOrStartRedis(
  parameters: { url?: string | undefined; onProgress?: ((line: string) => void) | undefined } = {},
): Promise<DevnetRedis> {
  const url = parameters.url ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL
  if (await pingRedis(url)) return { url, owned: false, process: undefined, stop: async () => {} }

  parameters.onProgress?.(`no Redis answers at ${redactUrl(url)}; starting a private redis-server`)
  const binary = redisServerBinary()
  const port = await freePort()
  const { process: server } = await spawnManaged({
    label: 'redis-server',
    command: binary,
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ],
    ready: /Ready to accept connections/,
  })
  const ownedUrl = `redis://127.0.0.1:${port}`
  return { url: ownedUrl, owned: true, process: server, stop: () => server.stop() }
}

/** True when a Redis at `url` answers PING within `timeoutMs`. */
export async function pingRedis(url: string, timeoutMs = 1_000): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  })
  redis.on('error', () => {}) // reported through the result below
  try {
    await redis.connect()
    return (await redis.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    redis.disconnect()
  }
}

function redisServerBinary(): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/sbin', '/usr/local/bin']
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server')
  }
  throw new MissingBinaryError('No Redis answers and redis-server is not installed', {
    details: `Install it with: ${REDIS_INSTALL_COMMAND}\nor point REDIS_URL at a running Redis (>= 6.2).`,
  })
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
