import { PermanentError, RetryableError, type XmarginErrorParameters } from '@xmargin/errors'
import type { Hex, TransactionReceipt } from 'viem'

/**
 * The call reverts when simulated, so it was not sent and no nonce was used. `errorName` and `args`
 * come from the ABI the caller passed (`AlreadyDone(7)`); `data` is the raw revert data.
 */
export class SimulationRevertedError extends PermanentError {
  override name = 'SimulationRevertedError'
  readonly errorName: string | undefined
  readonly args: readonly unknown[] | undefined
  readonly data: Hex | undefined

  constructor(
    shortMessage: string,
    parameters: XmarginErrorParameters & {
      errorName?: string
      args?: readonly unknown[]
      data?: Hex | undefined
    },
  ) {
    super(shortMessage, parameters)
    this.errorName = parameters.errorName
    this.args = parameters.args
    this.data = parameters.data
  }
}

/** No signer of the pool could be leased within the wait: another process holds them. Try later. */
export class NoSignerAvailableError extends RetryableError {
  override name = 'NoSignerAvailableError'
}

/** This process lost the signer's lease (it lapsed or another process took it) before broadcasting. */
export class LeaseLostError extends RetryableError {
  override name = 'LeaseLostError'
}

/** The node could not be reached or gave no clear answer; the signed transaction is kept and re-sent. */
export class BroadcastUnavailableError extends RetryableError {
  override name = 'BroadcastUnavailableError'
}

/** The signer cannot pay for gas and value; the nonce was released. */
export class InsufficientFundsError extends RetryableError {
  override name = 'InsufficientFundsError'
}

/** The node refused the transaction for a reason retrying cannot fix (gas too low, invalid); nonce released. */
export class TransactionRejectedError extends PermanentError {
  override name = 'TransactionRejectedError'
}

/** The engine replaced the transaction with a cancellation, which was mined: the call did not happen. */
export class TransactionCancelledError extends RetryableError {
  override name = 'TransactionCancelledError'
}

/** The nonce was used by a transaction this intent did not send, or released: the call did not happen. */
export class TransactionDroppedError extends RetryableError {
  override name = 'TransactionDroppedError'
}

/** The transaction was mined and reverted: the nonce is used, the call had no effect. */
export class TransactionRevertedError extends RetryableError {
  override name = 'TransactionRevertedError'
  readonly receipt: TransactionReceipt

  constructor(shortMessage: string, parameters: XmarginErrorParameters & { receipt: TransactionReceipt }) {
    super(shortMessage, parameters)
    this.receipt = parameters.receipt
  }
}

/** No receipt with the confirmations asked for within the wait. The transaction may still land. */
export class WaitTimeoutError extends RetryableError {
  override name = 'WaitTimeoutError'
}

/** Another engine is handling this intent and it did not reach a broadcast within the wait. */
export class IntentBusyError extends RetryableError {
  override name = 'IntentBusyError'
}
