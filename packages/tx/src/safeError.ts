import { RetryableError, XmarginError } from '@xmargin/errors'
import { redactUrls } from './redactUrls.js'

/**
 * What may leave the engine: our own errors as they are; anything else (a viem error, whose message
 * quotes the RPC URL and its API key) as a `RetryableError` with URLs redacted and without the cause.
 *
 * @example await engine.submit(request).catch((error) => { throw safeError(error) })
 */
export function safeError(error: unknown): Error {
  if (error instanceof XmarginError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new RetryableError('The node or Redis failed during a transaction operation', {
    details: `${error instanceof Error ? `${error.name}: ` : ''}${redactUrls(message)}`,
  })
}
