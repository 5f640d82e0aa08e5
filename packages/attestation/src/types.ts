import type { Address, Hex } from 'viem'

/**
 * The EIP-712 types xmargin signs, field for field as `RiskGuard` declares them. The contracts expose
 * each type hash as a public constant; a test compares them with `typeHash` of these definitions.
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

export type XmarginPrimaryType = 'AccountHealth' | 'MarginPermit' | 'SignerSetUpdate'

/** Mark and largest allowed close of one instrument on the attestation's chain (wad). */
export type InstrumentMark = {
  instrumentId: number
  /** Mark price, USD wad. */
  mark: bigint
  /** Largest absolute size the liquidation plan allows to close (wad); 0 when healthy. */
  maxClose: bigint
}

/** The relay's signed statement of an account's unified health, for one chain. */
export type AccountHealth = {
  account: Address
  /** Strictly increasing per account on each chain. */
  sequence: bigint
  /** Signer-set epoch whose members signed. */
  epoch: bigint
  /** USD wad; may be negative. */
  equity: bigint
  initialMargin: bigint
  maintenanceMargin: bigint
  /** Unix seconds the health was computed at. */
  asOf: bigint
  /** Unix seconds after which the attestation is void. */
  expiry: bigint
  /** Block number on the verifying chain the relay read. */
  anchorBlock: bigint
  /** `anchorsDigest` of every chain's `{ chainId, blockNumber, blockHash }`. */
  anchorsDigest: Hex
  /** `paramsHash` of the margin parameters used. */
  paramsHash: Hex
  marks: readonly InstrumentMark[]
}

/**
 * What a permit allows: 0 withdraw an asset; increase risk in an instrument on either side (1), only where
 * the position ends long (2) or only where it ends short (3). A directional permit is priced for its side
 * only, which is what lets the legs of a hedge spread over two chains be granted.
 */
export const PermitAction = { Withdraw: 0, IncreaseRisk: 1, IncreaseLong: 2, IncreaseShort: 3 } as const
export type PermitAction = (typeof PermitAction)[keyof typeof PermitAction]

/** The relay's permission for one risk-increasing action on one chain. */
export type MarginPermit = {
  account: Address
  chainId: bigint
  action: PermitAction
  /** Withdraw: the asset address as bytes32; IncreaseRisk: the instrument id as bytes32. */
  target: Hex
  /** Withdraw: token amount; IncreaseRisk: largest absolute size increase (wad). */
  limit: bigint
  /** Single-use per account. */
  nonce: bigint
  epoch: bigint
  expiry: bigint
}

/** A rotation of the signer set, signed by the current set. */
export type SignerSetUpdate = {
  epoch: bigint
  /** Ascending addresses. */
  signers: readonly Address[]
  threshold: number
  /** How long the previous epoch stays valid after the rotation. */
  graceSeconds: bigint
  expiry: bigint
}

export type XmarginMessage<primaryType extends XmarginPrimaryType> = primaryType extends 'AccountHealth'
  ? AccountHealth
  : primaryType extends 'MarginPermit'
    ? MarginPermit
    : SignerSetUpdate

/** The EIP-712 domain: bound to one chain and one RiskGuard. */
export type XmarginDomain = {
  name: 'xmargin'
  version: '1'
  chainId: number
  verifyingContract: Address
}

/** A set of signers valid for one epoch. */
export type SignerSet = {
  epoch: bigint
  /** Ascending addresses. */
  signers: readonly Address[]
  threshold: number
}
