import { HttpRequestError } from 'viem'
import { expect, test } from 'vitest'
import { scrubError } from './scrubError.js'

const url = 'https://user:secret@rpc.example.com/v2/0123456789abcdef0123456789abcdef'

test('default: the key leaves message, url and causes, the class stays', () => {
  const inner = new Error(`connect to ${url} refused`)
  const error = scrubError(new HttpRequestError({ url, status: 503, cause: inner }), url)
  expect(error).toBeInstanceOf(HttpRequestError)
  expect(error.status).toBe(503)
  const text = `${error.message} ${error.url} ${error.stack} ${inner.message} ${error.metaMessages?.join(' ')}`
  expect(text).not.toContain('secret')
  expect(text).not.toContain('0123456789abcdef0123456789abcdef')
  expect(error.url).toBe('https://***@rpc.example.com/v2/***')
})
