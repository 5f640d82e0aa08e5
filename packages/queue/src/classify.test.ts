import { PermanentError, RetryableError } from '@xmargin/errors'
import { UnrecoverableError } from 'bullmq'
import { expect, test } from 'vitest'
import { z } from 'zod'
import { classify } from './classify.js'
import { AlreadyDoneError, InvalidJobError, RateLimitedError } from './errors.js'

test('default: a retryable error is retried', () => {
  expect(classify(new RetryableError('node is behind'))).toEqual({
    action: 'retry',
    reason: 'node is behind',
  })
})

test('behavior: every branch', () => {
  expect(classify(new AlreadyDoneError('AlreadyLiquidated(0x90F7…, 7)')).action).toBe('complete')
  expect(classify(new PermanentError('AccountHealthy()')).action).toBe('fail')
  expect(classify(new InvalidJobError('Invalid liquidate job payload')).action).toBe('fail')
  expect(classify(new UnrecoverableError('operator said so')).action).toBe('fail')
  const zodError = z.string().safeParse(1).error
  expect(classify(zodError).action).toBe('fail')
  expect(classify(new RateLimitedError('429', { retryAfterMs: 1_500 }))).toEqual({
    action: 'rateLimit',
    delayMs: 1_500,
    reason: '429',
  })
  // viem wraps an HTTP 429 (`status`) or a JSON-RPC limit (-32005) somewhere down the cause chain.
  const http429 = new Error('HTTP request failed', {
    cause: Object.assign(new Error('Too Many Requests'), { status: 429 }),
  })
  expect(classify(new RetryableError('read failed', { cause: http429 })).action).toBe('rateLimit')
  expect(classify(Object.assign(new Error('limit exceeded'), { code: -32005 })).action).toBe('rateLimit')
  expect(classify(new Error('socket hang up')).action).toBe('retry')
  expect(classify('a string').action).toBe('retry')
})
