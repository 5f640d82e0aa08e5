import { PermanentError, RetryableError, XmarginError, type XmarginErrorParameters } from '@xmargin/errors'

/**
 * Thrown by a handler when the effect it was asked for has already happened (the account was already
 * liquidated, the packet already delivered). Not a failure: `classify` turns it into a completed job.
 */
export class AlreadyDoneError extends XmarginError {
  override name = 'AlreadyDoneError'
}

/**
 * Thrown by a handler when a provider asked us to slow down (HTTP 429, JSON-RPC -32005). The worker
 * pauses the whole queue for `retryAfterMs` and puts the job back without spending an attempt.
 */
export class RateLimitedError extends RetryableError {
  override name = 'RateLimitedError'
  readonly retryAfterMs: number | undefined

  constructor(shortMessage: string, parameters: XmarginErrorParameters & { retryAfterMs?: number } = {}) {
    super(shortMessage, parameters)
    this.retryAfterMs = parameters.retryAfterMs
  }
}

/** A job payload that does not match its kind's schema: retrying cannot fix it. */
export class InvalidJobError extends PermanentError {
  override name = 'InvalidJobError'
}
