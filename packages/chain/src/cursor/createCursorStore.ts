import type { Redis } from 'ioredis'
import { z } from 'zod'
import { CursorStoreError } from '../errors.js'
import type { BlockRef } from '../types.js'
import { type BlockRing, DEFAULT_RING_SIZE } from './blockRing.js'

/** Where a chain's cursor stands: the last block fully processed, and the recent blocks behind it. */
export type CursorState = { cursor: BlockRef; ring: BlockRing }

/** Persists cursor states. */
export type CursorStore = {
  load(chainId: number): Promise<CursorState | undefined>
  save(chainId: number, state: CursorState): Promise<void>
  clear(chainId: number): Promise<void>
  /** The Redis key of a chain's cursor. */
  key(chainId: number): string
}

export type CreateCursorStoreParameters = {
  redis: Redis
  /**
   * Key prefix, default `xmargin`. Keys are `{<prefix>}:cursor:<chainId>`: the braces are a Redis Cluster hash
   * tag, so every cursor of a deployment lives in one slot.
   */
  keyPrefix?: string | undefined
}

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/)
const decimal = z.string().regex(/^\d+$/)
const storedSchema = z.strictObject({
  v: z.literal(1),
  chainId: z.number().int().positive(),
  blockNumber: decimal,
  blockHash: hex32,
  ringSize: z.number().int().positive(),
  ring: z.array(z.tuple([decimal, hex32])),
  updatedAt: z.number().int(),
})

/**
 * A cursor store in Redis: one JSON value per chain, written with one `SET` after each processed range, so
 * a restart resumes from the last range that finished (bigints as decimal strings).
 *
 * @example const store = createCursorStore({ redis, keyPrefix: 'xmargin-devnet' })
 */
export function createCursorStore(parameters: CreateCursorStoreParameters): CursorStore {
  const { redis, keyPrefix = 'xmargin' } = parameters
  const key = (chainId: number) => `{${keyPrefix}}:cursor:${chainId}`
  return {
    key,
    async load(chainId) {
      const raw = await redis.get(key(chainId))
      if (raw === null) return undefined
      let parsed: z.infer<typeof storedSchema>
      try {
        parsed = storedSchema.parse(JSON.parse(raw))
      } catch (cause) {
        throw new CursorStoreError(`unreadable cursor at ${key(chainId)}`, {
          details: 'Delete the key to re-ingest from the configured start block.',
          cause,
        })
      }
      if (parsed.chainId !== chainId)
        throw new CursorStoreError(`cursor at ${key(chainId)} belongs to chain ${parsed.chainId}`)
      return {
        cursor: { number: BigInt(parsed.blockNumber), hash: parsed.blockHash as `0x${string}` },
        ring: {
          size: parsed.ringSize || DEFAULT_RING_SIZE,
          entries: parsed.ring.map(([number, hash]) => ({
            number: BigInt(number),
            hash: hash as `0x${string}`,
          })),
        },
      }
    },
    async save(chainId, state) {
      const stored: z.infer<typeof storedSchema> = {
        v: 1,
        chainId,
        blockNumber: state.cursor.number.toString(),
        blockHash: state.cursor.hash,
        ringSize: state.ring.size,
        ring: state.ring.entries.map((entry) => [entry.number.toString(), entry.hash]),
        updatedAt: Date.now(),
      }
      await redis.set(key(chainId), JSON.stringify(stored))
    },
    async clear(chainId) {
      await redis.del(key(chainId))
    },
  }
}

/** A store in memory (tests, tools); same contract as the Redis one. */
export function createMemoryCursorStore(): CursorStore {
  const states = new Map<number, CursorState>()
  return {
    key: (chainId) => `memory:cursor:${chainId}`,
    load: async (chainId) => states.get(chainId),
    save: async (chainId, state) => {
      states.set(chainId, state)
    },
    clear: async (chainId) => {
      states.delete(chainId)
    },
  }
}
