/**
 * What a keeper does with a job whose transaction would revert (or did) with a decoded custom error.
 *
 * - `done`: the effect already happened, or can no longer happen with this job and a fresher job will
 *   come: complete the job as a success (`AlreadyDoneError`).
 * - `skip`: not now; look again later without spending an attempt (the job is delayed), bounded by the
 *   attestation's expiry.
 * - `retry`: a condition that passes by itself within blocks (spends an attempt, jittered backoff).
 * - `fail`: retrying cannot help: fail the job now and copy it to the dead letter for an operator.
 */
export type RevertAction = 'done' | 'skip' | 'retry' | 'fail'

export type RevertClassification = { action: RevertAction; reason: string }

/**
 * The one table that maps decoded custom errors (RiskGuard, Liquidator, Messenger, oracle, LayerZero) to
 * done / skip / retry / fail. A decoded revert is never retried blindly: `retry` is kept for the few errors
 * that only say "wait a block".
 *
 * @example classifyRevert('AttestationAlreadyUsed') // { action: 'done', reason: 'alreadyLiquidated' }
 */
export function classifyRevert(errorName: string | undefined): RevertClassification {
  switch (errorName) {
    // ---- already done: the outcome we wanted happened (another keeper, a duplicate job, our own crash).
    // The attestation already served a liquidation of the account (or a newer one did).
    case 'AttestationAlreadyUsed':
      return { action: 'done', reason: 'alreadyLiquidated' }
    // RiskGuard holds this sequence or a newer one: posted already, or superseded by a fresher attestation.
    case 'AttestationReplayed':
      return { action: 'done', reason: 'superseded' }
    // The attestation says the account is healthy: nothing to liquidate with it.
    case 'AccountHealthy':
      return { action: 'done', reason: 'healthy' }
    // No position left to close and no negative cash: the account was dealt with already.
    case 'NothingToLiquidate':
      return { action: 'done', reason: 'nothingToLiquidate' }
    // LayerZero: the payload was already executed (its hash is cleared): delivered.
    case 'LZ_PayloadHashNotFound':
      return { action: 'done', reason: 'alreadyExecuted' }
    // LayerZero: verifying a nonce at or below the executed prefix: delivered.
    case 'LZ_PathNotVerifiable':
      return { action: 'done', reason: 'alreadyExecuted' }

    // ---- no longer usable: the relay issues a fresher attestation; this job is over.
    // Too old (`asOf` beyond the RiskGuard's max age) or past its expiry.
    case 'StaleAttestation':
    case 'AttestationExpired':
      return { action: 'done', reason: 'expired' }
    // The account changed on this chain after the relay read it (deposit, trade, seizure).
    case 'StaleAnchor':
      return { action: 'done', reason: 'staleAnchor' }
    // Signed by a rotated-out signer set: the relay re-signs under the current epoch.
    case 'StaleEpoch':
      return { action: 'done', reason: 'staleEpoch' }
    // The local oracle moved away from the attested mark: the relay's next attestation carries new marks.
    case 'MarkOutOfBounds':
      return { action: 'done', reason: 'markOutOfBounds' }

    // ---- not now: come back later without spending attempts (until the attestation expires).
    // The oracle cannot price right now (heartbeat, a jump outside the band, a bad answer).
    case 'StalePrice':
    case 'PriceDeviation':
    case 'InvalidAnswer':
    case 'FutureTimestamp':
      return { action: 'skip', reason: 'oracleUnavailable' }

    // ---- wait a block: passes by itself.
    // The anchor block is the chain head; the next block makes it a past block.
    case 'AnchorNotFinal':
      return { action: 'retry', reason: 'anchorNotFinal' }
    // The relay's clock is ahead of the chain's by more than the allowed skew.
    case 'AttestationFromFuture':
      return { action: 'retry', reason: 'attestationFromFuture' }
    // The LayerZero fee moved between our quote and the call: the next attempt quotes again.
    case 'InsufficientFee':
      return { action: 'retry', reason: 'feeChanged' }
    // The shortfall moved (a price) between our simulation and the call: the next attempt re-plans routes.
    case 'SeizeExceedsShortfall':
      return { action: 'retry', reason: 'shortfallChanged' }
    // LayerZero: an earlier nonce on the path is not verified yet; its own job verifies it.
    case 'LZ_InvalidNonce':
      return { action: 'retry', reason: 'predecessorUnverified' }
    // The destination Messenger cannot pay its reply fee; the delivery stays verified until it is funded.
    case 'InsufficientNative':
      return { action: 'retry', reason: 'messengerUnfunded' }

    // ---- faults: retrying the same job cannot help; the dead letter tells an operator.
    // Forged, malformed or unsorted signatures, or too few: the relay produced a bad attestation.
    case 'InvalidSignature':
    case 'InvalidSignatureLength':
    case 'SignaturesUnsorted':
    case 'UnknownSigner':
    case 'BelowThreshold':
      return { action: 'fail', reason: 'badSignatures' }
    // Computed under margin parameters the chain does not approve.
    case 'ParamsMismatch':
      return { action: 'fail', reason: 'paramsMismatch' }
    // The job's account is not the attestation's.
    case 'AccountMismatch':
      return { action: 'fail', reason: 'accountMismatch' }
    // The plan does not fit the attestation or the book (above maxClose, no mark, not toward zero, unsorted).
    case 'CloseExceedsPlan':
    case 'CloseNotReducing':
    case 'MarkMissing':
    case 'ClosesUnsorted':
    case 'RoutesUnsorted':
      return { action: 'fail', reason: 'badPlan' }
    // LayerZero: the path was never wired (peers), or the key is not the whitelisted relayer.
    case 'LZ_PathNotInitializable':
    case 'OnlyWhitelistCaller':
      return { action: 'fail', reason: 'lzMisconfigured' }
    // LayerZero: another payload is verified at this nonce (a reorged source?): needs an operator.
    case 'LZ_InvalidPayloadHash':
      return { action: 'fail', reason: 'payloadMismatch' }
    // An arithmetic panic: a contract bug, or a simulation whose clock sits behind the chain's (a node that
    // stamps simulated blocks with its own clock after fast mining: \`block.timestamp − updatedAt\` underflows).
    // The next attempt reads and simulates again; attempts bound it, then the dead letter shows it.
    case 'Panic':
      return { action: 'retry', reason: 'panic' }
    // No reason at all (out of gas, a failed call without data): may be the node; retry while attempts remain.
    case undefined:
      return { action: 'retry', reason: 'revertWithoutReason' }
    // Any other decoded error: a fault we did not plan for.
    default:
      return { action: 'fail', reason: `revert:${errorName}` }
  }
}
