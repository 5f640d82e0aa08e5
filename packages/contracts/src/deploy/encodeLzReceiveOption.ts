import { type Hex, numberToHex } from 'viem'

/**
 * LayerZero type-3 options with one executor LZ_RECEIVE option of `gas` (no native value):
 * `0x0003 | 01 (executor) | 0011 (size 17) | 01 (LZ_RECEIVE) | uint128 gas`.
 *
 * @example encodeLzReceiveOption(600_000n) // '0x000301001101000000000000000000000000000927c0'
 */
export function encodeLzReceiveOption(gas: bigint): Hex {
  if (gas <= 0n || gas >= 2n ** 128n) throw new RangeError(`LZ_RECEIVE gas must fit a uint128, got ${gas}`)
  return `0x0003010011${'01'}${numberToHex(gas, { size: 16 }).slice(2)}`
}
