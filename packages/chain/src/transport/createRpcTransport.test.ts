import { MULTICALL3_ADDRESS, multicall3Abi } from '@xmargin/contracts'
import { Registry } from 'prom-client'
import { createPublicClient } from 'viem'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { metricValue } from '../_test/metricValue.js'
import { setupAnvil } from '../_test/setupAnvil.js'
import { type FaultMode, setupFaultyRpc } from '../_test/setupFaultyRpc.js'
import { QueryTooLargeError, RpcUnavailableError } from '../errors.js'
import { createRpcTransport } from './createRpcTransport.js'

let anvilUrl: string
let stopAnvil: () => Promise<void>

beforeAll(async () => {
  const { anvil, cleanup } = await setupAnvil(31337)
  anvilUrl = anvil.rpcUrl
  stopAnvil = cleanup
})
afterAll(async () => {
  await stopAnvil()
})

const fastPolicy = { timeoutMs: 400, retryRounds: 1, backoffBaseMs: 10, rank: { intervalMs: 0 } }

test('default: reads through the transport and counts requests per endpoint', async () => {
  const registry = new Registry()
  const rpc = createRpcTransport({ chainId: 31337, urls: [anvilUrl], registry })
  const client = createPublicClient({ transport: rpc.transport })
  expect(await client.getChainId()).toBe(31337)
  expect(rpc.requestCount()).toBe(1)
  expect(
    await metricValue(registry, 'xmargin_rpc_requests_total', { method: 'eth_chainId', outcome: 'ok' }),
  ).toBe(1)
  rpc.close()
})

for (const mode of ['refuse', 'error500', 'stall', 'rateLimited'] as const satisfies FaultMode[]) {
  test(`behavior: the first URL ${mode}s, reads succeed through the second and the failure is counted`, async () => {
    const faulty = await setupFaultyRpc(mode)
    const registry = new Registry()
    const rpc = createRpcTransport({
      chainId: 31337,
      urls: [faulty.url, anvilUrl],
      registry,
      policy: fastPolicy,
    })
    try {
      const client = createPublicClient({ transport: rpc.transport })
      for (let i = 0; i < 3; i++) expect(await client.getChainId()).toBe(31337)
      const faultyLabel = `http://127.0.0.1:${new URL(faulty.url).port}/v2/***`
      expect(
        await metricValue(registry, 'xmargin_rpc_errors_total', { endpoint: faultyLabel }),
      ).toBeGreaterThan(0)
      expect(await metricValue(registry, 'xmargin_rpc_failovers_total')).toBeGreaterThan(0)
      // After the first failure the ranking sends traffic to the healthy endpoint first.
      expect(faulty.hits()).toBe(1)
      expect(rpc.status().map((status) => status.index)).toEqual([1, 0])
      expect(rpc.status()[1]?.lastError).toBe(
        { refuse: 'network', error500: 'http', stall: 'timeout', rateLimited: 'rateLimited' }[mode],
      )
      // No label carries the key in the URL path.
      expect(await registry.metrics()).not.toContain('0123456789abcdef0123456789abcdef')
    } finally {
      rpc.close()
      await faulty.cleanup()
    }
  })
}

test('behavior: every endpoint down is a RetryableError whose text holds no key', async () => {
  const faulty = await setupFaultyRpc('refuse')
  const rpc = createRpcTransport({ chainId: 7, urls: [faulty.url], policy: fastPolicy })
  try {
    const client = createPublicClient({ transport: rpc.transport })
    const error = await client.getBlockNumber().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RpcUnavailableError)
    const text = `${(error as Error).message}\n${(error as Error).stack}\n${String((error as Error).cause)}`
    expect(text).not.toContain('0123456789abcdef0123456789abcdef')
    expect((error as RpcUnavailableError).shortMessage).toBe(
      'eth_blockNumber failed on every endpoint of chain 7',
    )
    expect(faulty.hits()).toBe(2) // two rounds, one endpoint
  } finally {
    rpc.close()
    await faulty.cleanup()
  }
})

test('behavior: a revert is thrown at once, decoded by viem, and not blamed on the endpoint', async () => {
  const faulty = await setupFaultyRpc('refuse')
  const registry = new Registry()
  const rpc = createRpcTransport({
    chainId: 31337,
    urls: [anvilUrl, faulty.url],
    registry,
    policy: fastPolicy,
  })
  try {
    const client = createPublicClient({ transport: rpc.transport })
    const error = await client
      .simulateContract({
        address: MULTICALL3_ADDRESS,
        abi: multicall3Abi,
        functionName: 'aggregate3',
        args: [[{ target: MULTICALL3_ADDRESS, allowFailure: false, callData: '0xdeadbeef' }]],
      })
      .catch((caught: unknown) => caught)
    expect(String((error as Error).message)).toContain('CallFailed(uint256 index)')
    expect(faulty.hits()).toBe(0)
    expect(await metricValue(registry, 'xmargin_rpc_errors_total')).toBe(0)
    expect(await metricValue(registry, 'xmargin_rpc_requests_total', { outcome: 'reverted' })).toBe(1)
  } finally {
    rpc.close()
    await faulty.cleanup()
  }
})

test('behavior: "too many logs" becomes QueryTooLargeError without failover', async () => {
  const { createServer } = await import('node:http')
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 0,
          error: { code: -32005, message: 'query returned more than 10000 results' },
        }),
      ),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const rpc = createRpcTransport({
    chainId: 31337,
    urls: [`http://127.0.0.1:${port}`, anvilUrl],
    policy: fastPolicy,
  })
  try {
    const client = createPublicClient({ transport: rpc.transport })
    const error = await client.getLogs({ fromBlock: 0n, toBlock: 1n }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(QueryTooLargeError)
  } finally {
    rpc.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

test('behavior: the token bucket holds an endpoint to its rate', async () => {
  const registry = new Registry()
  const rpc = createRpcTransport({
    chainId: 31337,
    urls: [anvilUrl],
    registry,
    policy: { ratePerSecond: 50, burst: 2, rank: { intervalMs: 0 } },
  })
  const client = createPublicClient({ transport: rpc.transport })
  await Promise.all(Array.from({ length: 6 }, () => client.getChainId()))
  // 6 requests with a burst of 2: the last four waited 20, 40, 60, 80 ms for their tokens.
  expect(await metricValue(registry, 'xmargin_rpc_rate_limit_wait_seconds_total')).toBeGreaterThan(0.15)
  rpc.close()
})

test('behavior: ranking pings measure head lag and are stopped by close()', async () => {
  const registry = new Registry()
  const rpc = createRpcTransport({
    chainId: 31337,
    urls: [anvilUrl, anvilUrl],
    registry,
    policy: { rank: { intervalMs: 20 } },
  })
  await new Promise((resolve) => setTimeout(resolve, 100))
  rpc.close()
  const pings = await metricValue(registry, 'xmargin_rpc_endpoint_score')
  expect(pings).toBeGreaterThan(0)
  expect(rpc.status()[0]?.headBlock).toBe(0n)
})
