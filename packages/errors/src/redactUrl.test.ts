import { expect, test } from 'vitest'
import { redactUrl } from './redactUrl.js'

test('default', () => {
  expect(redactUrl('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545/')
})

test('behavior: strips user info and key-like path segments and query values', () => {
  expect(redactUrl('https://user:pw@eth.example.com/v2/0123456789abcdef0123456789abcdef')).toBe(
    'https://***@eth.example.com/v2/***',
  )
  expect(redactUrl('https://rpc.example.com/?apikey=short&chain=1')).toBe(
    'https://rpc.example.com/?apikey=***&chain=1',
  )
})

test('behavior: an unparsable URL is not echoed', () => {
  expect(redactUrl('not a url with secret')).toBe('<invalid url>')
})
