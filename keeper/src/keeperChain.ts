import type { ChainConfig } from '@xmargin/config'
import { PermanentError } from '@xmargin/errors'
import type { TxEngine } from '@xmargin/tx'
import { type Address, type Chain, getAddress, type PublicClient, type Transport } from 'viem'

/** The xmargin and LayerZero contracts of one chain the keeper talks to. */
export type KeeperContracts = {
  multicall3: Address
  riskGuard: Address
  liquidator: Address
  positionBook: Address
  collateralVault: Address
  oracleRouter: Address
  messenger: Address
  /** LayerZero EndpointV2 (`lzEndpoint` in the deployment). */
  lzEndpoint: Address | undefined
  /** The receive library the keeper verifies packets on as DVN (`lzMessageLib`). */
  lzMessageLib: Address | undefined
}

/** One chain of the deployment as the keeper sees it: a point (chain id, eid) and its contracts. */
export type KeeperChain = {
  chainId: number
  name: string
  /** LayerZero endpoint id. */
  eid: number
  /** Blocks a source event must be buried under before the watcher acts on it. */
  confirmations: number
  /** Block the contracts were deployed in: where the watcher starts on a fresh Redis. */
  deployBlock: number | undefined
  /** Decimals of the settlement token (the vault's cash; USDC: 6). */
  settlementDecimals: number
  client: PublicClient<Transport, Chain>
  contracts: KeeperContracts
  /** Whether this process runs workers for the chain. */
  served: boolean
  /** Liquidations and attestation posts (served chains). */
  engine: TxEngine | undefined
  /** `validatePacket` and `lzReceive` with the whitelisted relayer key (served chains, LZ on). */
  lzEngine: TxEngine | undefined
}

const REQUIRED = [
  'riskGuard',
  'liquidator',
  'positionBook',
  'collateralVault',
  'oracleRouter',
  'messenger',
] as const

/**
 * The keeper's contracts of a deployment chain; fails with the deployment field at fault when one is missing.
 *
 * @example keeperContracts(deployment.chains[0]).liquidator
 */
export function keeperContracts(config: ChainConfig): KeeperContracts {
  const byName = config.contracts as Record<string, string | undefined>
  for (const name of REQUIRED)
    if (!byName[name])
      throw new PermanentError(
        `Invalid deployment: chains[chainId=${config.chainId}].contracts.${name} is missing`,
        {
          details: `The keeper needs ${REQUIRED.join(', ')}; the chain lists ${Object.keys(byName).join(', ')}.`,
        },
      )
  const address = (name: string) => (byName[name] ? getAddress(byName[name]) : undefined)
  return {
    multicall3: getAddress(config.contracts.multicall3),
    riskGuard: address('riskGuard')!,
    liquidator: address('liquidator')!,
    positionBook: address('positionBook')!,
    collateralVault: address('collateralVault')!,
    oracleRouter: address('oracleRouter')!,
    messenger: address('messenger')!,
    lzEndpoint: address('lzEndpoint'),
    lzMessageLib: address('lzMessageLib'),
  }
}

/** The engine of a served chain; a job for a chain this process does not serve is a wiring bug. */
export function engineOf(chain: KeeperChain, which: 'engine' | 'lzEngine' = 'engine'): TxEngine {
  const engine = chain[which]
  if (!engine)
    throw new PermanentError(
      `Chain ${chain.chainId} has no ${which === 'engine' ? 'signer pool' : 'LayerZero relayer key'} here`,
    )
  return engine
}
