import { expect, test } from 'vitest'
import { anchorsDigest } from './anchorsDigest.js'
import { paramsHash } from './paramsHash.js'

const anchors = [
  { chainId: 31338, blockNumber: 12n, blockHash: `0x${'bb'.repeat(32)}` as const },
  { chainId: 31337, blockNumber: 10n, blockHash: `0x${'aa'.repeat(32)}` as const },
]

test('default: the digest does not depend on the order anchors are listed in, but on every field', () => {
  expect(anchorsDigest(anchors)).toBe(anchorsDigest([...anchors].reverse()))
  expect(anchorsDigest(anchors)).not.toBe(anchorsDigest([{ ...anchors[0]!, blockNumber: 13n }, anchors[1]!]))
  expect(() => anchorsDigest([anchors[0]!, anchors[0]!])).toThrow('two anchors for chain 31338')
})

test('behavior: paramsHash is canonical over key order and sensitive to values', () => {
  expect(paramsHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(paramsHash({ b: { d: 'x', c: [1, 2] }, a: 1 }))
  expect(paramsHash({ a: 1 })).not.toBe(paramsHash({ a: 1.0000001 }))
  expect(() => paramsHash({ a: Number.NaN })).toThrow('not a finite number')
})
