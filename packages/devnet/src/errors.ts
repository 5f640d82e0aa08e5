import { PermanentError, RetryableError } from '@xmargin/errors'

/** A binary the devnet needs is not installed; the message carries the install command. */
export class MissingBinaryError extends PermanentError {
  override name = 'MissingBinaryError'
}

/** A child process did not come up (exited, or printed nothing in time). */
export class ProcessStartError extends RetryableError {
  override name = 'ProcessStartError'
}
