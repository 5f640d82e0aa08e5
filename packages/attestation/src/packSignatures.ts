import { type Address, concatHex, type Hex, size } from 'viem'
import { MalformedSignatureError } from './errors.js'

export type SignerSignature = { signer: Address; signature: Hex }

/**
 * Concatenates 65-byte signatures in strictly ascending signer order (as RiskGuard requires), one per
 * signer, keeping at most `limit` of them (the threshold: more signatures only cost gas).
 *
 * @example packSignatures([{ signer: b, signature: sb }, { signer: a, signature: sa }], 2) // sa ‖ sb
 */
export function packSignatures(entries: readonly SignerSignature[], limit = Number.POSITIVE_INFINITY): Hex {
  const bySigner = new Map<bigint, SignerSignature>()
  for (const entry of entries) {
    if (size(entry.signature) !== 65)
      throw new MalformedSignatureError(`Signature of ${entry.signer} is not 65 bytes`)
    bySigner.set(BigInt(entry.signer), entry)
  }
  const sorted = [...bySigner.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, entry]) => entry)
  return concatHex(sorted.slice(0, limit).map((entry) => entry.signature))
}

/** Splits packed signatures into 65-byte pieces. */
export function unpackSignatures(packed: Hex): Hex[] {
  const bytes = size(packed)
  if (bytes % 65 !== 0)
    throw new MalformedSignatureError(`Signatures are ${bytes} bytes, not a multiple of 65`)
  return Array.from(
    { length: bytes / 65 },
    (_, i) => `0x${packed.slice(2 + i * 130, 2 + (i + 1) * 130)}` as Hex,
  )
}
