import { PermanentError, RetryableError } from '@xmargin/errors'
import { AlreadyDoneError, type JobContext } from '@xmargin/queue'
import { DelayedError } from 'bullmq'
import type { RevertClassification } from '../classifyRevert.js'

/** A run that should end now and be looked at again later, without spending an attempt. */
export class DeferredError extends RetryableError {
  override name = 'DeferredError'
}

/**
 * Puts the running job back in the delayed set for `delayMs` without spending an attempt (BullMQ
 * `moveToDelayed` + `DelayedError`). Outside a worker (a direct call in a test) it throws a `DeferredError`.
 */
export async function deferJob(
  context: Pick<JobContext, 'job'>,
  delayMs: number,
  reason: string,
): Promise<never> {
  const { job } = context
  const token = (job as { token?: string } | undefined)?.token
  if (job && token) {
    await job.moveToDelayed(Date.now() + delayMs, token)
    throw new DelayedError(`deferred ${delayMs} ms: ${reason}`)
  }
  throw new DeferredError(`deferred: ${reason}`)
}

/** The error that makes the worker do what `classification` says ('skip' is handled by the caller). */
export function errorFor(classification: RevertClassification, what: string, cause?: unknown): Error {
  const message = `${what}: ${classification.reason}`
  switch (classification.action) {
    case 'done':
      return new AlreadyDoneError(classification.reason, { cause })
    case 'fail':
      return new PermanentError(message, { cause })
    case 'retry':
    case 'skip':
      return new RetryableError(message, { cause })
  }
}
