import type { Hex } from 'viem'
import type { BlockRef } from '../types.js'

/**
 * The newest remembered block that is still canonical, or `undefined` when none is (a reorg deeper than the
 * ring). `canonicalHash(n)` returns the hash the node now has at height `n`.
 *
 * Entries come from one chain, so "still canonical" holds for a prefix of them (oldest first): if block n
 * was replaced, so was every block after it. That makes a binary search valid: ⌈log2(entries)⌉ + 1
 * requests instead of one per entry.
 *
 * @example const ancestor = await findCommonAncestor(ring.entries, async (n) => (await getBlock(n))?.hash)
 */
export async function findCommonAncestor(
  entries: readonly BlockRef[],
  canonicalHash: (number: bigint) => Promise<Hex | undefined>,
): Promise<BlockRef | undefined> {
  let low = 0
  let high = entries.length - 1
  let found: BlockRef | undefined
  while (low <= high) {
    const middle = (low + high) >> 1
    const entry = entries[middle]!
    if ((await canonicalHash(entry.number)) === entry.hash) {
      found = entry
      low = middle + 1
    } else high = middle - 1
  }
  return found
}
