import type { Hex } from 'viem'
import type { BlockRef } from '../types.js'

/** Default number of recent blocks the cursor remembers (and persists). */
export const DEFAULT_RING_SIZE = 128

/**
 * The recent blocks a cursor has ingested, oldest first, at most `size`: the end of every range, the block
 * after each cursor position, and every block that carried a log. A reorg is resolved by finding the newest
 * entry that is still canonical.
 *
 * Invariant: numbers strictly ascending, and all entries come from one chain (each was checked against the
 * parent-hash link of the range that added it).
 */
export type BlockRing = { readonly size: number; readonly entries: readonly BlockRef[] }

/** An empty ring of `size` entries. */
export function emptyRing(size = DEFAULT_RING_SIZE): BlockRing {
  return { size, entries: [] }
}

/**
 * The ring with `blocks` added (a block already present is replaced), oldest dropped beyond `size`.
 *
 * @example pushBlocks(emptyRing(2), [{ number: 1n, hash }, { number: 2n, hash }, { number: 3n, hash }]) // keeps 2, 3
 */
export function pushBlocks(ring: BlockRing, blocks: readonly BlockRef[]): BlockRing {
  const byNumber = new Map<bigint, Hex>(ring.entries.map((entry) => [entry.number, entry.hash]))
  for (const block of blocks) byNumber.set(block.number, block.hash)
  const entries = [...byNumber.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(-ring.size)
    .map(([number, hash]) => ({ number, hash }))
  return { size: ring.size, entries }
}

/** The ring without entries above `number` (after a rewind to `number`). */
export function truncateRing(ring: BlockRing, number: bigint): BlockRing {
  return { size: ring.size, entries: ring.entries.filter((entry) => entry.number <= number) }
}

/** The hash the ring remembers for `number`, if any. */
export function ringHash(ring: BlockRing, number: bigint): Hex | undefined {
  return ring.entries.find((entry) => entry.number === number)?.hash
}
