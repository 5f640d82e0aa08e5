import { HttpRequestError, RpcRequestError, TransactionRejectedRpcError } from 'viem'
import { expect, test } from 'vitest'
import { classifySendError } from './classifySendError.js'

/** The error viem throws for a node's JSON-RPC error (anvil answers -32003 with these messages). */
const nodeError = (message: string) =>
  new TransactionRejectedRpcError(
    new RpcRequestError({ body: {}, url: 'http://127.0.0.1:8545', error: { code: -32003, message } }),
  )

test('default: anvil and geth messages', () => {
  expect(
    [
      'nonce too low',
      'transaction already imported',
      'already known',
      'replacement transaction underpriced',
      'max fee per gas less than block base fee',
      'transaction underpriced',
      'Insufficient funds for gas * price + value',
      'insufficient funds for gas * price + value: balance 0',
      'intrinsic gas too low',
      'exceeds block gas limit',
    ].map((message) => [message, classifySendError(nodeError(message))]),
  ).toMatchInlineSnapshot(`
    [
      [
        "nonce too low",
        "nonceTooLow",
      ],
      [
        "transaction already imported",
        "known",
      ],
      [
        "already known",
        "known",
      ],
      [
        "replacement transaction underpriced",
        "replacementUnderpriced",
      ],
      [
        "max fee per gas less than block base fee",
        "feeTooLow",
      ],
      [
        "transaction underpriced",
        "feeTooLow",
      ],
      [
        "Insufficient funds for gas * price + value",
        "insufficientFunds",
      ],
      [
        "insufficient funds for gas * price + value: balance 0",
        "insufficientFunds",
      ],
      [
        "intrinsic gas too low",
        "rejected",
      ],
      [
        "exceeds block gas limit",
        "rejected",
      ],
    ]
  `)
})

test('behavior: no clear answer keeps the transaction (the node may have it)', () => {
  expect(
    classifySendError(
      new HttpRequestError({ url: 'http://127.0.0.1:1', status: 502, details: 'Bad Gateway' }),
    ),
  ).toBe('unavailable')
  expect(classifySendError(new Error('fetch failed', { cause: new Error('ECONNRESET') }))).toBe('unavailable')
  expect(classifySendError(nodeError('something new'))).toBe('unavailable')
})
