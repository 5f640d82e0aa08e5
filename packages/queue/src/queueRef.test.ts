import { expect, test } from 'vitest'
import { deadLetterRef, queueRef } from './queueRef.js'

test('default: one queue per kind and chain, each with its own hash tag', () => {
  expect(queueRef({ kind: 'liquidate', chainId: 31337 })).toEqual({
    kind: 'liquidate',
    chainId: 31337,
    name: 'liquidate-31337',
    prefix: '{xmargin:liquidate-31337}',
  })
  expect(queueRef({ kind: 'lzDeliver', chainId: 31338, basePrefix: 'staging' }).prefix).toBe(
    '{staging:lzDeliver-31338}',
  )
  expect(deadLetterRef({ basePrefix: 'staging' }).prefix).toBe('{staging:dead-letter}')
})

test('behavior: a base prefix that would break the hash tag is refused', () => {
  expect(() =>
    queueRef({ kind: 'liquidate', chainId: 1, basePrefix: 'a}b' }),
  ).toThrowErrorMatchingInlineSnapshot(`
    [PermanentError: Invalid queue base prefix "a}b"
    Use letters, digits, ".", "_" and "-" (at most 100), starting with a letter or digit.]
  `)
  expect(() => queueRef({ kind: 'liquidate', chainId: 0 })).toThrow(/chain id 0/)
})
