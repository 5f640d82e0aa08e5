import type { Address } from 'viem'

/**
 * The Redis key layout of one chain's transaction engine. Every key carries the hash tag
 * `{<prefix>:tx:<chainId>}`, so one Lua script can check a lease, an intent and a nonce atomically
 * (and a Redis Cluster keeps a chain's keys on one node). Signers appear lower-case.
 *
 *   {P}:lease:<signer>          string   "<fence>|<holderId>", PX ttl: who may send with the signer
 *   {P}:fence:<signer>          integer  fencing token, INCR on every acquisition
 *   {P}:next:<signer>           integer  next never-used nonce
 *   {P}:free:<signer>           zset     released nonces below next, reused lowest first
 *   {P}:live:<signer>           zset     nonces whose record is not final yet
 *   {P}:tx:<signer>:<nonce>     hash     the nonce's record (state, intent, call, signed attempts, …)
 *   {P}:intent:<intentId>       string   "<signer>|<nonce>": the record carrying the intent
 */
export type LedgerKeys = {
  /** `{<prefix>:tx:<chainId>}`: the common part, passed to Lua scripts to build the others. */
  base: string
  lease(signer: Address): string
  fence(signer: Address): string
  next(signer: Address): string
  free(signer: Address): string
  live(signer: Address): string
  record(signer: Address, nonce: number): string
  intent(intentId: string): string
}

/** The key layout for `prefix` (e.g. `xmargin`) and `chainId`. */
export function ledgerKeys(prefix: string, chainId: number): LedgerKeys {
  const base = `{${prefix}:tx:${chainId}}`
  const s = (signer: Address) => signer.toLowerCase()
  return {
    base,
    lease: (signer) => `${base}:lease:${s(signer)}`,
    fence: (signer) => `${base}:fence:${s(signer)}`,
    next: (signer) => `${base}:next:${s(signer)}`,
    free: (signer) => `${base}:free:${s(signer)}`,
    live: (signer) => `${base}:live:${s(signer)}`,
    record: (signer, nonce) => `${base}:tx:${s(signer)}:${nonce}`,
    intent: (intentId) => `${base}:intent:${intentId}`,
  }
}
