import { type Address, type LocalAccount, zeroHash } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { xmarginDomain } from '../domain.js'
import type { AccountHealth, SignerSet } from '../types.js'

// anvil's well-known test keys 2..5 play relay signers here.
const keys = [
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
] as const

/** Four signer accounts sorted by address (ascending). */
export const signers: LocalAccount[] = keys
  .map((key) => privateKeyToAccount(key))
  .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))

export const riskGuard: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
export const domain = xmarginDomain({ chainId: 31337, riskGuard })

export const signerSet: SignerSet = {
  epoch: 1n,
  signers: signers.slice(0, 3).map((signer) => signer.address),
  threshold: 2,
}

export const health: AccountHealth = {
  account: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  sequence: 7n,
  epoch: 1n,
  equity: -1_250n * 10n ** 18n,
  initialMargin: 4_000n * 10n ** 18n,
  maintenanceMargin: 3_000n * 10n ** 18n,
  asOf: 1_767_225_600n,
  expiry: 1_767_225_660n,
  anchorBlock: 42n,
  anchorsDigest: zeroHash,
  paramsHash: zeroHash,
  marks: [{ instrumentId: 1, mark: 3_500n * 10n ** 18n, maxClose: 2n * 10n ** 18n }],
}
