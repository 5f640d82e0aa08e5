import { RetryableError } from '@xmargin/errors'

/**
 * A price, vol or rate the margin needs is not readable on any chain (a stale or unset feed). Retry once the
 * feed updates; the account's health cannot be computed meanwhile.
 */
export class MissingMarketDataError extends RetryableError {
  override name = 'MissingMarketDataError' as const
}
