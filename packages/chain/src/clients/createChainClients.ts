import { type Config, createConfig } from '@wagmi/core'
import { type ChainConfig, type Deployment, viemChain } from '@xmargin/config'
import { Registry } from 'prom-client'
import { type Chain, createPublicClient, type PublicClient, type Transport } from 'viem'
import { DeploymentMismatchError } from '../errors.js'
import { createRpcTransport, type RpcTransport } from '../transport/createRpcTransport.js'
import type { RpcPolicyInput } from '../transport/rpcPolicySchema.js'
import type { ChainMap } from '../types.js'

/** Everything the package holds for one chain. */
export type ChainClient = {
  config: ChainConfig
  chain: Chain
  /** A viem public client over the chain's RPC policy transport. */
  client: PublicClient<Transport, Chain>
  rpc: RpcTransport
}

export type CreateChainClientsParameters = {
  deployment: Deployment
  /** RPC policy for every chain; defaults in `rpcPolicySchema`. */
  policy?: RpcPolicyInput | undefined
  /** Per-chain overrides of `policy` (merged over it). */
  policyByChain?: { readonly [chainId: number]: RpcPolicyInput } | undefined
  /** Registry for the `xmargin_rpc_*` metrics. Default: a private one. */
  registry?: Registry | undefined
}

export type ChainClients = {
  /** Per chain: config, viem chain, public client and its transport. */
  chains: ChainMap<ChainClient>
  /** Chain ids in deployment order. */
  chainIds: readonly number[]
  /** A wagmi config over the same transports, for multi-chain `readContracts` (one multicall per chain). */
  wagmiConfig: Config
  /** The chain's entry; throws when the deployment has no such chain. */
  get(chainId: number): ChainClient
  /** HTTP requests sent so far on every chain. */
  requestCount(): number
  /** Stops every transport's ranking timer. */
  close(): void
}

/**
 * Clients for every chain of a deployment: one RPC policy transport per chain over its `rpcUrls`, a viem
 * public client on it, and a wagmi config that shares the transports.
 *
 * @example
 * const clients = createChainClients({ deployment, registry })
 * const block = await clients.get(31337).client.getBlockNumber()
 * clients.close()
 */
export function createChainClients(parameters: CreateChainClientsParameters): ChainClients {
  const registry = parameters.registry ?? new Registry()
  const entries = parameters.deployment.chains.map((config): [number, ChainClient] => {
    const chain = viemChain(config)
    const rpc = createRpcTransport({
      chainId: config.chainId,
      urls: config.rpcUrls.filter((url) => url.startsWith('http')),
      policy: mergePolicy(parameters.policy, parameters.policyByChain?.[config.chainId]),
      registry,
    })
    // Reads only go through our pinned multicalls or wagmi: no viem-side batching or caching.
    const client = createPublicClient({ chain, transport: rpc.transport, cacheTime: 0 })
    return [config.chainId, { config, chain, client, rpc }]
  })
  const chains: ChainMap<ChainClient> = Object.fromEntries(entries)
  const viemChains = entries.map(([, entry]) => entry.chain)
  const wagmiConfig = createConfig({
    chains: viemChains as [Chain, ...Chain[]],
    transports: Object.fromEntries(entries.map(([chainId, entry]) => [chainId, entry.rpc.transport])),
    multiInjectedProviderDiscovery: false,
    storage: null,
  })
  return {
    chains,
    chainIds: entries.map(([chainId]) => chainId),
    wagmiConfig,
    get(chainId) {
      const entry = chains[chainId]
      if (!entry) throw new DeploymentMismatchError(`the deployment has no chain ${chainId}`)
      return entry
    },
    requestCount: () => entries.reduce((sum, [, entry]) => sum + entry.rpc.requestCount(), 0),
    close() {
      for (const [, entry] of entries) entry.rpc.close()
    },
  }
}

function mergePolicy(base: RpcPolicyInput | undefined, override: RpcPolicyInput | undefined): RpcPolicyInput {
  return { ...base, ...override, rank: { ...base?.rank, ...override?.rank } }
}
