import { type Chain, defineChain } from 'viem'
import type { ChainConfig } from './deployment.js'

/**
 * The viem chain for a deployment's chain, with Multicall3 declared so that viem's `multicall` and
 * wagmi's `readContracts` batch instead of falling back to one call per contract.
 */
export function viemChain(chain: ChainConfig): Chain {
  const http = chain.rpcUrls.filter((url) => url.startsWith('http'))
  const webSocket = chain.rpcUrls.filter((url) => url.startsWith('ws'))
  return defineChain({
    id: chain.chainId,
    name: chain.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http, ...(webSocket.length ? { webSocket } : {}) } },
    contracts: { multicall3: { address: chain.contracts.multicall3 } },
  })
}
