import type { Address, Hex } from 'viem'

/** Anything kept once per chain, keyed by EVM chain id. */
export type ChainMap<T> = { readonly [chainId: number]: T }

/** A contract on a chain: never a bare address. */
export type ContractRef = { chainId: number; address: Address }

/**
 * The block a read or an event range rests on. Every snapshot records one per chain, and an
 * attestation carries a digest of them (`anchorsDigest` in `@xmargin/attestation`).
 */
export type ChainAnchor = { chainId: number; blockNumber: bigint; blockHash: Hex }

/** A block by number and hash (no chain id: used inside one chain's cursor). */
export type BlockRef = { number: bigint; hash: Hex }

/** A block header as the cursor needs it. */
export type BlockHeader = BlockRef & { parentHash: Hex; timestamp: bigint }

/** `ChainMap` from an array of per-chain values. */
export function chainMap<T>(entries: Iterable<readonly [number, T]>): ChainMap<T> {
  return Object.fromEntries(entries) as ChainMap<T>
}

/** The chain ids of a `ChainMap`, ascending. */
export function chainIds(map: ChainMap<unknown>): number[] {
  return Object.keys(map)
    .map(Number)
    .sort((a, b) => a - b)
}
