import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

const shas = new Map<string, string>()

/**
 * Runs a Lua script with EVALSHA, loading it with EVAL the first time a server does not know it.
 * (ioredis `defineCommand` would add methods to the caller's client; this leaves it untouched.)
 */
export async function runScript(
  redis: Redis,
  script: string,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  let sha = shas.get(script)
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex')
    shas.set(script, sha)
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args.map(String))
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error
    return await redis.eval(script, keys.length, ...keys, ...args.map(String))
  }
}
