import { PermanentError } from '@xmargin/errors'
import { HttpRequestError } from 'viem'
import { expect, test } from 'vitest'
import { safeError } from './safeError.js'

test('default: an RPC error leaves without its URL secret', () => {
  const error = safeError(
    new HttpRequestError({ url: 'https://eth.example.com/v2/0123456789abcdef0123456789abcdef', status: 503 }),
  )
  expect(error.name).toBe('RetryableError')
  expect(error.message).not.toContain('0123456789abcdef')
  expect(error.message).toContain('https://eth.example.com/v2/***')
  expect(error.cause).toBeUndefined()
})

test('behavior: our own errors pass unchanged', () => {
  const own = new PermanentError('bad input')
  expect(safeError(own)).toBe(own)
})
