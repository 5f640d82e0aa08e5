import { expect, test } from 'vitest'
import { createXmarginClient } from './createXmarginClient.js'
import { ApiRequestError, ApiResponseError, ApiUnavailableError } from './errors.js'

// A fetch that answers from a table: the client's error mapping and validation, without a server.
function fakeFetch(status: number, body: unknown): typeof fetch {
  return (async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    })) as typeof fetch
}
const account = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

test('default: a 4xx becomes ApiRequestError with the code, field and body', async () => {
  const body = {
    error: { code: 'insufficientMargin', message: 'needs 10 USD', details: { requiredUsd: 10 } },
  }
  const client = createXmarginClient({ baseUrl: 'http://relay', fetch: fakeFetch(422, body) })
  const error = await client
    .requestPermit({ account, chainId: 1, action: 'withdraw', asset: 'USDC', amount: '1' })
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ApiRequestError)
  expect(error).toMatchObject({ status: 422, code: 'insufficientMargin', body })
  expect((error as Error).message).toBe('POST /v1/permits: needs 10 USD')
})

test('behavior: 5xx and network failures are retryable; an off-schema answer is a ResponseError', async () => {
  const down = createXmarginClient({
    baseUrl: 'http://relay',
    fetch: fakeFetch(503, { error: { code: 'x', message: 'busy' } }),
  })
  await expect(down.health(account)).rejects.toBeInstanceOf(ApiUnavailableError)
  const failing = createXmarginClient({
    baseUrl: 'http://relay',
    fetch: (async () => {
      throw new TypeError('fetch failed')
    }) as typeof fetch,
  })
  await expect(failing.health(account)).rejects.toBeInstanceOf(ApiUnavailableError)
  const odd = createXmarginClient({ baseUrl: 'http://relay', fetch: fakeFetch(200, { account }) })
  await expect(odd.health(account)).rejects.toBeInstanceOf(ApiResponseError)
})

test('behavior: readiness answers with 206 and 503 bodies instead of throwing', async () => {
  const body = {
    status: 'notReady',
    node: { id: 'n', signer: account, leader: false },
    signers: { alive: 1, threshold: 2, total: 3, epoch: '1' },
    chains: [],
    reasons: ['belowThreshold:1/2'],
  }
  const client = createXmarginClient({ baseUrl: 'http://relay/', fetch: fakeFetch(503, body) })
  expect(await client.readiness()).toEqual({ status: 503, body })
})
