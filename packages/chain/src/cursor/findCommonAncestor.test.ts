import type { Hex } from 'viem'
import { expect, test } from 'vitest'
import { findCommonAncestor } from './findCommonAncestor.js'

const h = (n: number, fork = 0): Hex => `0x${(n + fork * 1000).toString(16).padStart(64, '0')}`
const entries = [1, 2, 4, 7, 8, 9, 12].map((n) => ({ number: BigInt(n), hash: h(n) }))

test('default: the newest entry below the fork point', async () => {
  const asked: bigint[] = []
  // The chain forked after block 7: blocks 8.. now have other hashes.
  const ancestor = await findCommonAncestor(entries, async (n) => {
    asked.push(n)
    return n <= 7n ? h(Number(n)) : h(Number(n), 1)
  })
  expect(ancestor).toEqual({ number: 7n, hash: h(7) })
  expect(asked.length).toBeLessThanOrEqual(4)
})

test('behavior: nothing canonical, or everything canonical', async () => {
  expect(await findCommonAncestor(entries, async (n) => h(Number(n), 1))).toBeUndefined()
  expect(await findCommonAncestor(entries, async (n) => h(Number(n)))).toEqual({ number: 12n, hash: h(12) })
  expect(await findCommonAncestor([], async () => undefined)).toBeUndefined()
})
