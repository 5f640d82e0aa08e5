import { expect, test } from 'vitest'
import { redactUrls } from './redactUrls.js'

test('default: credentials in URLs inside a message are stripped', () => {
  expect(
    redactUrls(
      'HTTP request failed.\n\nURL: https://user:pw@eth.example.com/v2/0123456789abcdef0123456789abcdef\nDetails: 500',
    ),
  ).toMatchInlineSnapshot(`
    "HTTP request failed.

    URL: https://***@eth.example.com/v2/***
    Details: 500"
  `)
})

test('behavior: text without URLs is unchanged', () => {
  expect(redactUrls('nonce too low')).toBe('nonce too low')
})
