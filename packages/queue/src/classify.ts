import { PermanentError, RetryableError } from '@xmargin/errors'
import { UnrecoverableError } from 'bullmq'
import { z } from 'zod'
import { AlreadyDoneError, RateLimitedError } from './errors.js'

/** What the worker does with a job whose handler threw. */
export type Classification =
  /** The effect already happened: complete the job as a success. */
  | { action: 'complete'; reason: string }
  /** Retrying cannot help: fail the job now (BullMQ `UnrecoverableError`), it stays in the failed set. */
  | { action: 'fail'; reason: string }
  /** A provider asked us to slow down: pause the queue, put the job back without spending an attempt. */
  | { action: 'rateLimit'; delayMs: number | undefined; reason: string }
  /** Try again after a jittered exponential backoff, while attempts remain. */
  | { action: 'retry'; reason: string }

/**
 * The one place that decides what an error thrown by a job handler means for the job.
 *
 * @example classify(new AlreadyDoneError('already liquidated')) // { action: 'complete', ... }
 */
export function classify(error: unknown): Classification {
  const reason = error instanceof Error ? error.message : String(error)
  // "Already done" (AlreadyLiquidated, packet already delivered) is the outcome we wanted: success.
  if (error instanceof AlreadyDoneError) return { action: 'complete', reason }
  // A handler that says so explicitly, in BullMQ's own words.
  if (error instanceof UnrecoverableError) return { action: 'fail', reason }
  // A payload that does not match its schema will not match it next time either.
  if (error instanceof z.ZodError) return { action: 'fail', reason: `invalid payload: ${reason}` }
  // Bad input, a decoded revert that is not "already done", a configuration mistake.
  if (error instanceof PermanentError) return { action: 'fail', reason }
  // Our own rate-limit signal, with the delay the provider asked for when it said.
  if (error instanceof RateLimitedError) return { action: 'rateLimit', delayMs: error.retryAfterMs, reason }
  // An HTTP 429 or JSON-RPC "limit exceeded" (-32005) anywhere in the cause chain (viem wraps them).
  if (isRateLimitSignal(error)) return { action: 'rateLimit', delayMs: undefined, reason }
  // Timeouts, a lagging node, a lease held elsewhere: later may work.
  if (error instanceof RetryableError) return { action: 'retry', reason }
  // Anything else (a bug, an unexpected RPC error): retry while attempts remain, then fail.
  return { action: 'retry', reason }
}

function isRateLimitSignal(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 10; depth++) {
    if (typeof current !== 'object') return false
    const { status, code } = current as { status?: unknown; code?: unknown }
    if (status === 429 || code === 429 || code === -32005) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}
