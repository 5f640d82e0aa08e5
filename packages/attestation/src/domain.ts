import { type Address, getAddress } from 'viem'
import type { XmarginDomain } from './types.js'

/**
 * The EIP-712 domain of a chain's RiskGuard.
 *
 * @example const domain = xmarginDomain({ chainId: 31337, riskGuard: '0x…' })
 */
export function xmarginDomain(parameters: { chainId: number; riskGuard: Address }): XmarginDomain {
  return {
    name: 'xmargin',
    version: '1',
    chainId: parameters.chainId,
    verifyingContract: getAddress(parameters.riskGuard),
  }
}
