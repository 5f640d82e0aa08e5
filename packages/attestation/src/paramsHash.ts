import { type Hex, keccak256, toHex } from 'viem'

/**
 * The hash an attestation carries of the margin parameters it was computed with:
 * keccak256 of the canonical JSON of `params` (object keys sorted at every level, no whitespace).
 * Publishing the parameter file lets anyone check which parameter set an attestation used.
 */
export function paramsHash(params: unknown): Hex {
  return keccak256(toHex(canonicalJson(params)))
}

/** JSON with object keys sorted at every level, no whitespace; rejects values JSON cannot carry. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: ${value} is not a finite number`)
    return JSON.stringify(value)
  }
  if (typeof value === 'bigint') return JSON.stringify(value.toString())
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  throw new Error(`canonicalJson: cannot encode a ${typeof value}`)
}
