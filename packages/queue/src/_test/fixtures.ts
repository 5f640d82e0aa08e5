import type { JobData } from '../schemas.js'

export const CHAIN_ID = 31337

/** An attestation as the relay signs it (values are arbitrary but well-formed). */
export const health: JobData<'liquidate'>['health'] = {
  account: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  sequence: 7n,
  epoch: 1n,
  equity: -1_250n * 10n ** 18n,
  initialMargin: 4_000n * 10n ** 18n,
  maintenanceMargin: 3_000n * 10n ** 18n,
  asOf: 1_767_225_600n,
  expiry: 1_767_225_660n,
  anchorBlock: 42n,
  anchorsDigest: `0x${'11'.repeat(32)}`,
  paramsHash: `0x${'22'.repeat(32)}`,
  marks: [{ instrumentId: 1, mark: 3_500n * 10n ** 18n, maxClose: 2n * 10n ** 18n }],
}

/** Two 65-byte signatures, concatenated. */
export const signatures = `0x${'ab'.repeat(65)}${'cd'.repeat(65)}` as const

/** A liquidation job for `health`, or for another sequence of the same account. */
export function liquidation(sequence = 7n, chainId = CHAIN_ID): JobData<'liquidate'> {
  return {
    chainId,
    account: health.account,
    sequence,
    health: { ...health, sequence },
    signatures,
    reason: 'belowMaintenance',
  }
}

export const delivery: JobData<'lzDeliver'> = {
  srcChainId: 31338,
  dstChainId: CHAIN_ID,
  guid: `0x${'3c'.repeat(32)}`,
  nonce: 5n,
  packet: '0x01deadbeef',
  options: '0x00030100110100000000000000000000000000030d40',
  source: {
    txHash: `0x${'44'.repeat(32)}`,
    logIndex: 3,
    blockNumber: 120n,
    blockHash: `0x${'55'.repeat(32)}`,
  },
}
