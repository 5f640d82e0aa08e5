import type { Client } from 'viem'
import { BlockNotFoundError } from '../errors.js'
import type { ChainAnchor } from '../types.js'

/** The block a snapshot reads, with its timestamp (the chain's "now" for accrued values). */
export type PinnedBlock = ChainAnchor & { timestamp: bigint }

export type PinBlockParameters = {
  chainId: number
  /** Read `head − confirmations`. Default 0. */
  confirmations?: number | undefined
  /** Pin this block instead of one derived from the head (a rebuild at a known anchor). */
  blockNumber?: bigint | undefined
  /** Pin exactly this block (fails when the node does not know it, e.g. it was reorged away). */
  blockHash?: Hex | undefined
}

type RpcBlock = { number: Hex; hash: Hex; timestamp: Hex } | null
type Hex = `0x${string}`

/**
 * Takes the block every read of a snapshot will name: number and hash first, then reads run against the hash
 * (EIP-1898), so a reorg between pinning and reading fails the read instead of mixing two chains.
 * One request with no confirmations, two otherwise.
 *
 * @example const anchor = await pinBlock(client, { chainId: 31337, confirmations: 2 })
 */
export async function pinBlock(client: Client, parameters: PinBlockParameters): Promise<PinnedBlock> {
  const { chainId, confirmations = 0 } = parameters
  if (parameters.blockHash !== undefined) {
    const block = (await client.request({
      method: 'eth_getBlockByHash',
      params: [parameters.blockHash, false],
    })) as unknown as RpcBlock
    if (!block) throw new BlockNotFoundError(`chain ${chainId} does not know block ${parameters.blockHash}`)
    return {
      chainId,
      blockNumber: BigInt(block.number),
      blockHash: block.hash,
      timestamp: BigInt(block.timestamp),
    }
  }
  let tag: Hex | 'latest' = 'latest'
  if (parameters.blockNumber !== undefined) tag = `0x${parameters.blockNumber.toString(16)}`
  else if (confirmations > 0) {
    const head = BigInt((await client.request({ method: 'eth_blockNumber' })) as Hex)
    const target = head - BigInt(confirmations)
    tag = `0x${(target < 0n ? 0n : target).toString(16)}`
  }
  const block = (await client.request({
    method: 'eth_getBlockByNumber',
    params: [tag, false],
  })) as unknown as RpcBlock
  if (!block) throw new BlockNotFoundError(`chain ${chainId} has no block ${tag} yet`)
  return {
    chainId,
    blockNumber: BigInt(block.number),
    blockHash: block.hash,
    timestamp: BigInt(block.timestamp),
  }
}
