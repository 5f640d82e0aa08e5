import { PermanentError, RetryableError } from '@xmargin/errors'
import type { Address, Hex } from 'viem'

/** A signature bundle RiskGuard would reject; the subclass says why. */
export class InvalidSignaturesError extends PermanentError {
  override name = 'InvalidSignaturesError'
}

/** Recovered signers are not strictly ascending at `index` (duplicate or out of order). */
export class SignaturesUnsortedError extends InvalidSignaturesError {
  override name = 'SignaturesUnsortedError'
  constructor(readonly index: number) {
    super(`Signatures are not in strictly ascending signer order at index ${index}`)
  }
}

/** A signature recovers to an address outside the signer set. */
export class UnknownSignerError extends InvalidSignaturesError {
  override name = 'UnknownSignerError'
  constructor(readonly signer: Address) {
    super(`Signature from ${signer}, who is not in the signer set`)
  }
}

/** Fewer valid signatures than the threshold. */
export class BelowThresholdError extends InvalidSignaturesError {
  override name = 'BelowThresholdError'
  constructor(
    readonly count: number,
    readonly threshold: number,
  ) {
    super(`${count} signature${count === 1 ? '' : 's'}, threshold ${threshold}`)
  }
}

/** The message names an epoch that is neither current nor the previous one within its grace period. */
export class StaleEpochError extends InvalidSignaturesError {
  override name = 'StaleEpochError'
  constructor(
    readonly epoch: bigint,
    readonly current: bigint,
  ) {
    super(`Epoch ${epoch} is not accepted (current ${current})`)
  }
}

/** Signature bytes that are not a multiple of 65 or not a valid ECDSA signature. */
export class MalformedSignatureError extends InvalidSignaturesError {
  override name = 'MalformedSignatureError'
}

/** No quorum was reached in time; signers may still answer, so this can be retried. */
export class QuorumTimeoutError extends RetryableError {
  override name = 'QuorumTimeoutError'
}

/**
 * Enough members refused to sign that the threshold can no longer be reached: the proposer should not wait
 * for its timeout. `reasons` maps each refusing signer to the reason it gave.
 */
export class QuorumRefusedError extends RetryableError {
  override name = 'QuorumRefusedError'
  constructor(
    readonly digest: Hex,
    readonly reasons: Readonly<Record<string, string>>,
  ) {
    super(
      `No quorum possible for ${digest}: refused by ${Object.entries(reasons)
        .map(([signer, reason]) => `${signer} (${reason})`)
        .join(', ')}`,
    )
  }
}
