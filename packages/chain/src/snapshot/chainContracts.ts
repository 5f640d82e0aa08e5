import type { ChainConfig } from '@xmargin/config'
import type { Address } from 'viem'
import { DeploymentMismatchError } from '../errors.js'

/** The xmargin contracts of one chain, by role. */
export type XmarginContracts = {
  chainId: number
  multicall3: Address
  collateralVault: Address
  positionBook: Address
  oracleRouter: Address
  riskGuard: Address
  liquidator: Address | undefined
  messenger: Address | undefined
}

const REQUIRED = ['collateralVault', 'positionBook', 'oracleRouter', 'riskGuard'] as const

/**
 * The xmargin contracts of a deployment chain, from its `contracts` record. Fails with the field at fault
 * when a contract the reads need is missing.
 *
 * @example const contracts = resolveChainContracts(deployment.chains[0])
 */
export function resolveChainContracts(chain: ChainConfig): XmarginContracts {
  const byName = chain.contracts as Record<string, Address | undefined>
  for (const name of REQUIRED)
    if (!byName[name])
      throw new DeploymentMismatchError(`chains[chainId=${chain.chainId}].contracts.${name} is missing`, {
        details: `The deployment lists ${Object.keys(byName).join(', ')}; deploy xmargin on this chain first.`,
      })
  return {
    chainId: chain.chainId,
    multicall3: chain.contracts.multicall3,
    collateralVault: byName.collateralVault!,
    positionBook: byName.positionBook!,
    oracleRouter: byName.oracleRouter!,
    riskGuard: byName.riskGuard!,
    liquidator: byName.liquidator,
    messenger: byName.messenger,
  }
}
