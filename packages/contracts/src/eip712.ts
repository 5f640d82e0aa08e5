import type { Address, TypedDataDomain } from 'viem'

/**
 * The EIP-712 types the relay signs and the RiskGuard verifies (contracts/README.md). The type strings
 * they produce equal the RiskGuard's `*_TYPEHASH` preimages; `test/src/deployXmargin.test.ts` checks it.
 */
export const xmarginTypes = {
  AccountHealth: [
    { name: 'account', type: 'address' },
    { name: 'sequence', type: 'uint64' },
    { name: 'epoch', type: 'uint64' },
    { name: 'equity', type: 'int256' },
    { name: 'initialMargin', type: 'uint256' },
    { name: 'maintenanceMargin', type: 'uint256' },
    { name: 'asOf', type: 'uint64' },
    { name: 'expiry', type: 'uint64' },
    { name: 'anchorBlock', type: 'uint64' },
    { name: 'anchorsDigest', type: 'bytes32' },
    { name: 'paramsHash', type: 'bytes32' },
    { name: 'marks', type: 'InstrumentMark[]' },
  ],
  InstrumentMark: [
    { name: 'instrumentId', type: 'uint32' },
    { name: 'mark', type: 'uint256' },
    { name: 'maxClose', type: 'uint256' },
  ],
  MarginPermit: [
    { name: 'account', type: 'address' },
    { name: 'chainId', type: 'uint64' },
    { name: 'action', type: 'uint8' },
    { name: 'target', type: 'bytes32' },
    { name: 'limit', type: 'uint256' },
    { name: 'nonce', type: 'uint64' },
    { name: 'epoch', type: 'uint64' },
    { name: 'expiry', type: 'uint64' },
  ],
  SignerSetUpdate: [
    { name: 'epoch', type: 'uint64' },
    { name: 'signers', type: 'address[]' },
    { name: 'threshold', type: 'uint8' },
    { name: 'graceSeconds', type: 'uint64' },
    { name: 'expiry', type: 'uint64' },
  ],
} as const

/** `MarginPermit.action` values. */
export const PERMIT_ACTION = { withdraw: 0, increaseRisk: 1 } as const

/**
 * The EIP-712 domain of a chain's RiskGuard: `{ name: "xmargin", version: "1", chainId, verifyingContract }`.
 *
 * @example const domain = xmarginDomain({ chainId: 31337, riskGuard })
 */
export function xmarginDomain(parameters: { chainId: number; riskGuard: Address }): TypedDataDomain {
  return {
    name: 'xmargin',
    version: '1',
    chainId: parameters.chainId,
    verifyingContract: parameters.riskGuard,
  }
}
