import { type Hex, hexToString, stringToHex } from 'viem'

/**
 * A `bytes32` key as text (`ETH`), or the hex itself when it is not printable.
 *
 * @example bytes32ToSymbol(symbolToBytes32('ETH')) // 'ETH'
 */
export function bytes32ToSymbol(key: Hex): string {
  try {
    const text = hexToString(key, { size: 32 }).replace(/\0+$/, '')
    return text.length > 0 && /^[\x20-\x7e]+$/.test(text) ? text : key
  } catch {
    return key
  }
}

/** Text as a right-padded `bytes32` key. */
export function symbolToBytes32(symbol: string): Hex {
  return stringToHex(symbol, { size: 32 })
}
