import { type Hex, keccak256 } from 'viem'
import { expect, test } from 'vitest'
import { bloomMayContain } from './bloomMayContain.js'

function bloomOf(items: readonly Hex[]): Hex {
  const bytes = new Uint8Array(256)
  for (const item of items) {
    const hash = keccak256(item, 'bytes')
    for (let i = 0; i < 6; i += 2) {
      const bit = ((hash[i]! << 8) | hash[i + 1]!) & 0x7ff
      bytes[255 - (bit >> 3)]! |= 1 << (bit & 7)
    }
  }
  return `0x${Buffer.from(bytes).toString('hex')}`
}

const a: Hex = '0xcA11bde05977b3631167028862bE2a173976CA11'
const b: Hex = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

test('default', () => {
  expect(bloomMayContain(bloomOf([a]), a)).toBe(true)
  expect(bloomMayContain(bloomOf([a]), b)).toBe(false)
  expect(bloomMayContain(`0x${'00'.repeat(256)}`, a)).toBe(false)
})
