import type { Hex } from 'viem'
import { expect, test } from 'vitest'
import { emptyRing, pushBlocks, ringHash, truncateRing } from './blockRing.js'

const h = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`
const block = (n: number) => ({ number: BigInt(n), hash: h(n) })

test('default: keeps the newest `size` blocks in ascending order', () => {
  const ring = pushBlocks(emptyRing(3), [block(5), block(1), block(3), block(4)])
  expect(ring.entries.map((entry) => entry.number)).toEqual([3n, 4n, 5n])
  expect(ringHash(ring, 4n)).toBe(h(4))
  expect(ringHash(ring, 1n)).toBeUndefined()
})

test('behavior: a block seen again replaces its hash; truncation drops newer entries', () => {
  const ring = pushBlocks(pushBlocks(emptyRing(), [block(1), block(2)]), [{ number: 2n, hash: h(99) }])
  expect(ring.entries).toEqual([block(1), { number: 2n, hash: h(99) }])
  expect(truncateRing(ring, 1n).entries).toEqual([block(1)])
})
