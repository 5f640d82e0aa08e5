import { type Hex, keccak256, toHex } from 'viem'
import { type XmarginPrimaryType, xmarginTypes } from './types.js'

/**
 * The EIP-712 type string of a primary type: its own fields, then each referenced struct type in
 * alphabetical order.
 *
 * @example typeString('AccountHealth') // 'AccountHealth(address account,…)InstrumentMark(uint32 instrumentId,…)'
 */
export function typeString(primaryType: XmarginPrimaryType): string {
  const encode = (name: keyof typeof xmarginTypes) =>
    `${name}(${xmarginTypes[name].map((field) => `${field.type} ${field.name}`).join(',')})`
  const referenced = new Set<keyof typeof xmarginTypes>()
  const visit = (name: keyof typeof xmarginTypes) => {
    for (const field of xmarginTypes[name]) {
      const base = field.type.replace(/\[\d*\]$/, '')
      if (
        base in xmarginTypes &&
        base !== primaryType &&
        !referenced.has(base as keyof typeof xmarginTypes)
      ) {
        referenced.add(base as keyof typeof xmarginTypes)
        visit(base as keyof typeof xmarginTypes)
      }
    }
  }
  visit(primaryType)
  return encode(primaryType) + [...referenced].sort().map(encode).join('')
}

/** keccak256 of `typeString(primaryType)`: what the contracts expose as `<TYPE>_TYPEHASH`. */
export function typeHash(primaryType: XmarginPrimaryType): Hex {
  return keccak256(toHex(typeString(primaryType)))
}
