import { encodeAbiParameters, type Hex, keccak256 } from 'viem'

/** The block a snapshot read on one chain. */
export type ChainAnchor = { chainId: number; blockNumber: bigint; blockHash: Hex }

/**
 * The digest an attestation carries of every chain anchor its health was computed from:
 * `keccak256(abi.encode((uint64 chainId, uint64 blockNumber, bytes32 blockHash)[]))` over the anchors
 * sorted by chain id. Anyone holding the anchors can recompute it and re-read those exact blocks.
 */
export function anchorsDigest(anchors: readonly ChainAnchor[]): Hex {
  const sorted = [...anchors].sort((a, b) => a.chainId - b.chainId)
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.chainId === sorted[i - 1]!.chainId)
      throw new Error(`anchorsDigest: two anchors for chain ${sorted[i]!.chainId}`)
  }
  return keccak256(
    encodeAbiParameters(
      [
        {
          type: 'tuple[]',
          components: [
            { name: 'chainId', type: 'uint64' },
            { name: 'blockNumber', type: 'uint64' },
            { name: 'blockHash', type: 'bytes32' },
          ],
        },
      ],
      [
        sorted.map((anchor) => ({
          chainId: BigInt(anchor.chainId),
          blockNumber: anchor.blockNumber,
          blockHash: anchor.blockHash,
        })),
      ],
    ),
  )
}
