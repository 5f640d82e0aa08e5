import { concatBytes, type Hex, hexToBytes, keccak256, stringToBytes } from 'viem'
import { typeString } from './typeHash.js'
import { type XmarginDomain, type XmarginMessage, type XmarginPrimaryType, xmarginTypes } from './types.js'

/*
 * EIP-712 encoding (https://eips.ethereum.org/EIPS/eip-712), specialised to xmargin's three types:
 *
 *   digest        = keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))
 *   hashStruct(s) = keccak256(typeHash(s) ‖ enc(field₁) ‖ … ‖ enc(fieldₙ))
 *   enc(address)  = 12 zero bytes ‖ 20 bytes;  enc(uintN | intN) = 32-byte big-endian two's complement
 *   enc(bytes32)  = itself;  enc(T[]) = keccak256(enc(e₁) ‖ … ‖ enc(eₖ));  enc(struct) = hashStruct
 *
 * Type hashes and domain separators are computed once, so a digest costs one keccak per struct (viem's
 * generic `hashTypedData`, which a test holds equal, re-derives every type string on every call).
 */

const TYPE_HASHES = new Map<string, Uint8Array>(
  (Object.keys(xmarginTypes) as (keyof typeof xmarginTypes)[]).map((name) => [
    name,
    hexToBytes(keccak256(stringToBytes(typeStringOf(name)))),
  ]),
)
const DOMAIN_TYPE_HASH = hexToBytes(
  keccak256(
    stringToBytes('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'),
  ),
)
const domainSeparators = new Map<string, Uint8Array>()

function typeStringOf(name: keyof typeof xmarginTypes): string {
  return name === 'InstrumentMark'
    ? `InstrumentMark(${xmarginTypes.InstrumentMark.map((f) => `${f.type} ${f.name}`).join(',')})`
    : typeString(name)
}

function word(value: bigint): Uint8Array {
  return hexToBytes(`0x${BigInt.asUintN(256, value).toString(16).padStart(64, '0')}`)
}

function encodeField(type: string, value: unknown): Uint8Array {
  if (type.endsWith('[]')) {
    const item = type.slice(0, -2)
    return hexToBytes(keccak256(concatBytes((value as readonly unknown[]).map((v) => encodeField(item, v)))))
  }
  if (type === 'address') return hexToBytes(`0x${(value as string).slice(2).toLowerCase().padStart(64, '0')}`)
  if (type === 'bytes32') return hexToBytes(value as Hex)
  if (type.startsWith('uint') || type.startsWith('int')) return word(BigInt(value as bigint | number))
  return hashStruct(type as keyof typeof xmarginTypes, value as Record<string, unknown>)
}

function hashStruct(name: keyof typeof xmarginTypes, value: Record<string, unknown>): Uint8Array {
  const fields = xmarginTypes[name]
  const parts: Uint8Array[] = [TYPE_HASHES.get(name)!]
  for (const field of fields) parts.push(encodeField(field.type, value[field.name]))
  return hexToBytes(keccak256(concatBytes(parts)))
}

function domainSeparator(domain: XmarginDomain): Uint8Array {
  const key = `${domain.name}:${domain.version}:${domain.chainId}:${domain.verifyingContract.toLowerCase()}`
  let separator = domainSeparators.get(key)
  if (!separator) {
    separator = hexToBytes(
      keccak256(
        concatBytes([
          DOMAIN_TYPE_HASH,
          hexToBytes(keccak256(stringToBytes(domain.name))),
          hexToBytes(keccak256(stringToBytes(domain.version))),
          word(BigInt(domain.chainId)),
          encodeField('address', domain.verifyingContract),
        ]),
      ),
    )
    domainSeparators.set(key, separator)
  }
  return separator
}

const PREFIX = hexToBytes('0x1901')

/**
 * The EIP-712 digest the signers sign and RiskGuard recovers from.
 *
 * @example const digest = xmarginDigest(domain, 'AccountHealth', health)
 */
export function xmarginDigest<primaryType extends XmarginPrimaryType>(
  domain: XmarginDomain,
  primaryType: primaryType,
  message: XmarginMessage<primaryType>,
): Hex {
  return keccak256(
    concatBytes([
      PREFIX,
      domainSeparator(domain),
      hashStruct(primaryType, message as Record<string, unknown>),
    ]),
  )
}
