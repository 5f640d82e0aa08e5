import { type Address, getAddress } from 'viem'
import type { SignerSet, SignerSetUpdate } from './types.js'
import type { SignerSets } from './verifyQuorum.js'

/**
 * The `SignerSetUpdate` that rotates `current` to a new set: epoch + 1, signers checksummed and strictly
 * ascending (as RiskGuard requires), the previous set's grace and the update's own expiry. The current set
 * signs it (through the quorum); anyone submits it to `RiskGuard.rotateSigners` on every chain.
 *
 * @example const update = signerSetUpdate(current, { signers, threshold: 2, graceSeconds: 600n, expiry })
 */
export function signerSetUpdate(
  current: SignerSet,
  next: { signers: readonly Address[]; threshold: number; graceSeconds: bigint; expiry: bigint },
): SignerSetUpdate {
  const signers = [...new Set(next.signers.map((signer) => getAddress(signer)))].sort((a, b) =>
    BigInt(a) < BigInt(b) ? -1 : 1,
  )
  if (signers.length !== next.signers.length) throw new Error('signerSetUpdate: duplicate signer')
  if (!(next.threshold >= 1 && next.threshold <= signers.length))
    throw new Error(`signerSetUpdate: threshold ${next.threshold} is not within 1..${signers.length}`)
  return {
    epoch: current.epoch + 1n,
    signers,
    threshold: next.threshold,
    graceSeconds: next.graceSeconds,
    expiry: next.expiry,
  }
}

/**
 * The signer sets after a rotation applied at `rotatedAt` (unix seconds): the update is current, the set
 * it replaced stays valid until `rotatedAt + graceSeconds`, as RiskGuard accepts them.
 *
 * @example const sets = applyRotation(sets, update, now) // verifyQuorum({ ..., signerSets: sets })
 */
export function applyRotation(sets: SignerSets, update: SignerSetUpdate, rotatedAt: bigint): SignerSets {
  if (update.epoch !== sets.current.epoch + 1n)
    throw new Error(`applyRotation: epoch ${update.epoch} does not follow ${sets.current.epoch}`)
  return {
    current: { epoch: update.epoch, signers: [...update.signers], threshold: update.threshold },
    previous: { ...sets.current, graceDeadline: rotatedAt + update.graceSeconds },
  }
}
