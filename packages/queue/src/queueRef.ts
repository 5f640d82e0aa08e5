import { PermanentError } from '@xmargin/errors'
import type { JobKind } from './schemas.js'

/** Base of every queue prefix unless a service or test chooses its own (one per environment). */
export const DEFAULT_BASE_PREFIX = 'xmargin'

/** Where a queue lives: its BullMQ name and its own hash-tagged key prefix. */
export type QueueRef = {
  kind: JobKind | 'deadLetter'
  /** The chain the queue's jobs write to; 0 for the dead-letter queue, which spans chains. */
  chainId: number
  /** BullMQ queue name, e.g. `liquidate-31337`. */
  name: string
  /** BullMQ `prefix`, e.g. `{xmargin:liquidate-31337}`: the braces make it a Redis Cluster hash tag. */
  prefix: string
}

export type QueueRefParameters = {
  kind: JobKind
  chainId: number
  /** Default `xmargin`; letters, digits, `.`, `_`, `-`. Give each environment and test its own. */
  basePrefix?: string | undefined
}

/**
 * Names a queue and gives it its own hash-tagged prefix: every key of one queue hashes to one Redis
 * Cluster slot (BullMQ's Lua scripts need that), and different queues spread over the cluster. There
 * is one queue per job kind and chain, so a rate-limited RPC provider pauses only its chain.
 * Never combine with the ioredis `keyPrefix` option (BullMQ refuses it).
 *
 * @example queueRef({ kind: 'liquidate', chainId: 31337 }) // { name: 'liquidate-31337', prefix: '{xmargin:liquidate-31337}', ... }
 */
export function queueRef(parameters: QueueRefParameters): QueueRef {
  const { kind, chainId, basePrefix = DEFAULT_BASE_PREFIX } = parameters
  checkBasePrefix(basePrefix)
  if (!Number.isSafeInteger(chainId) || chainId <= 0)
    throw new PermanentError(`queueRef: chain id ${chainId} is not a positive integer`)
  const name = `${kind}-${chainId}`
  return { kind, chainId, name, prefix: `{${basePrefix}:${name}}` }
}

/** The dead-letter queue: a copy of every job that failed for good, with the reason. One per base prefix. */
export function deadLetterRef(parameters: { basePrefix?: string | undefined } = {}): QueueRef {
  const { basePrefix = DEFAULT_BASE_PREFIX } = parameters
  checkBasePrefix(basePrefix)
  return { kind: 'deadLetter', chainId: 0, name: 'dead-letter', prefix: `{${basePrefix}:dead-letter}` }
}

function checkBasePrefix(basePrefix: string): void {
  // Braces would break the hash tag, ':' would blur the key layout, spaces would break tooling.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(basePrefix))
    throw new PermanentError(`Invalid queue base prefix ${JSON.stringify(basePrefix)}`, {
      details: 'Use letters, digits, ".", "_" and "-" (at most 100), starting with a letter or digit.',
    })
}
