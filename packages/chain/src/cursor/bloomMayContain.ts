import { type Hex, hexToBytes, keccak256 } from 'viem'

/**
 * Whether a block's 2048-bit `logsBloom` may contain `item` (an address or a topic): false means certainly
 * not, true means probably (blooms have false positives).
 *
 * Yellow paper M3:2048: for each of the first three byte pairs of keccak256(item), the low 11 bits pick a bit;
 * bit `b` sits in byte `255 − ⌊b/8⌋` at position `b mod 8`.
 *
 * @example bloomMayContain(block.logsBloom, vaultAddress)
 */
export function bloomMayContain(bloom: Hex, item: Hex): boolean {
  const bits = hexToBytes(bloom)
  if (bits.length !== 256) return true // not a bloom we understand: assume it may
  const hash = hexToBytes(keccak256(item))
  for (let i = 0; i < 6; i += 2) {
    const bit = ((hash[i]! << 8) | hash[i + 1]!) & 0x7ff
    if ((bits[255 - (bit >> 3)]! & (1 << (bit & 7))) === 0) return false
  }
  return true
}
