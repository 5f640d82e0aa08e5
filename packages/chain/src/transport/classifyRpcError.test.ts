import { HttpRequestError, RpcRequestError, TimeoutError } from 'viem'
import { expect, test } from 'vitest'
import { classifyRpcError, isFailoverKind } from './classifyRpcError.js'

const url = 'http://127.0.0.1:1'
const rpc = (code: number, message: string) =>
  new RpcRequestError({ body: {}, error: { code, message }, url })

test('default', () => {
  expect(
    [
      new TimeoutError({ body: {}, url }),
      new HttpRequestError({ url, cause: new TypeError('fetch failed') }),
      new HttpRequestError({ url, status: 502 }),
      new HttpRequestError({ url, status: 429 }),
      rpc(3, 'execution reverted'),
      rpc(-32602, 'invalid params'),
      rpc(-32005, 'query returned more than 10000 results'),
      rpc(-32000, 'block range is too wide'),
      rpc(-32005, 'rate limit exceeded'),
      rpc(-32000, 'header not found'),
      rpc(-32603, 'internal error'),
    ].map(classifyRpcError),
  ).toMatchInlineSnapshot(`
    [
      "timeout",
      "network",
      "http",
      "rateLimited",
      "deterministic",
      "deterministic",
      "tooLarge",
      "tooLarge",
      "rateLimited",
      "lagging",
      "rpc",
    ]
  `)
})

test('behavior: only endpoint faults fail over', () => {
  expect(isFailoverKind('deterministic')).toBe(false)
  expect(isFailoverKind('tooLarge')).toBe(false)
  expect(isFailoverKind('timeout')).toBe(true)
})
