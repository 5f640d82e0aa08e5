import { type Address, type Hex, recoverAddress } from 'viem'
import {
  BelowThresholdError,
  MalformedSignatureError,
  SignaturesUnsortedError,
  StaleEpochError,
  UnknownSignerError,
} from './errors.js'
import { unpackSignatures } from './packSignatures.js'
import type { SignerSet } from './types.js'

export type SignerSets = {
  current: SignerSet
  /** The set before the last rotation, valid until `graceDeadline` (unix seconds). */
  previous?: (SignerSet & { graceDeadline: bigint }) | undefined
}

export type VerifyQuorumParameters = {
  digest: Hex
  /** Concatenated 65-byte signatures. */
  signatures: Hex
  /** The epoch the message names. */
  epoch: bigint
  signerSets: SignerSets
  /** Unix seconds; decides whether the previous epoch is still in grace. */
  now: bigint
}

/**
 * Checks a signature bundle exactly as RiskGuard does: the epoch is current (or previous within grace),
 * signers recover in strictly ascending order (no duplicates), every signer is in the epoch's set, and
 * there are at least `threshold` of them. Returns the recovered signers.
 */
export async function verifyQuorum(parameters: VerifyQuorumParameters): Promise<Address[]> {
  const { digest, signatures, epoch, signerSets, now } = parameters
  const set = signerSetFor(epoch, signerSets, now)
  const members = new Set(set.signers.map((signer) => signer.toLowerCase()))
  const recovered: Address[] = []
  let last = -1n
  for (const [index, signature] of unpackSignatures(signatures).entries()) {
    let signer: Address
    try {
      signer = await recoverAddress({ hash: digest, signature })
    } catch (cause) {
      throw new MalformedSignatureError(`Signature ${index} does not recover`, { cause })
    }
    const value = BigInt(signer)
    if (value <= last) throw new SignaturesUnsortedError(index)
    if (!members.has(signer.toLowerCase())) throw new UnknownSignerError(signer)
    last = value
    recovered.push(signer)
  }
  if (recovered.length < set.threshold) throw new BelowThresholdError(recovered.length, set.threshold)
  return recovered
}

function signerSetFor(epoch: bigint, sets: SignerSets, now: bigint): SignerSet {
  if (epoch === sets.current.epoch) return sets.current
  if (sets.previous && epoch === sets.previous.epoch && now <= sets.previous.graceDeadline)
    return sets.previous
  throw new StaleEpochError(epoch, sets.current.epoch)
}
