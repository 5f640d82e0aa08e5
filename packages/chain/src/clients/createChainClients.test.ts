import { readContracts } from '@wagmi/core'
import { parseDeployment } from '@xmargin/config'
import { MULTICALL3_ADDRESS, multicall3Abi } from '@xmargin/contracts'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { metricValue } from '../_test/metricValue.js'
import { setupAnvil } from '../_test/setupAnvil.js'
import { setupFaultyRpc } from '../_test/setupFaultyRpc.js'
import { createChainClients } from './createChainClients.js'

const anvils: Array<Awaited<ReturnType<typeof setupAnvil>>> = []
beforeAll(async () => {
  anvils.push(...(await Promise.all([31337, 31338].map((chainId) => setupAnvil(chainId)))))
})
afterAll(async () => {
  await Promise.all(anvils.map((anvil) => anvil.cleanup()))
})

function deploymentWith(urls: (chainId: number, rpcUrl: string) => string[]) {
  return parseDeployment(
    {
      version: 1,
      name: 'test',
      chains: anvils.map(({ anvil }, i) => ({
        chainId: anvil.chainId,
        name: `chain-${i}`,
        rpcUrls: urls(anvil.chainId, anvil.rpcUrl),
        lzEid: 40101 + i,
        contracts: { multicall3: MULTICALL3_ADDRESS },
      })),
    },
    'test deployment',
  )
}

test('default: wagmi readContracts runs one multicall per chain over the policy transports', async () => {
  const clients = createChainClients({ deployment: deploymentWith((_, url) => [url]) })
  try {
    const results = await readContracts(clients.wagmiConfig, {
      allowFailure: false,
      contracts: clients.chainIds.flatMap((chainId) => [
        { chainId, address: MULTICALL3_ADDRESS, abi: multicall3Abi, functionName: 'getChainId' } as const,
        { chainId, address: MULTICALL3_ADDRESS, abi: multicall3Abi, functionName: 'getBlockNumber' } as const,
      ]),
    })
    expect(results[0]).toBe(31337n)
    expect(results[2]).toBe(31338n)
    expect(clients.requestCount()).toBe(2)
  } finally {
    clients.close()
  }
})

test('behavior: with a broken first URL, reads still succeed and the failure is in the metrics', async () => {
  const faulty = await setupFaultyRpc('refuse')
  const registry = new Registry()
  const clients = createChainClients({
    deployment: deploymentWith((_, url) => [faulty.url, url]),
    registry,
    policy: { timeoutMs: 500, rank: { intervalMs: 0 } },
  })
  try {
    for (const chainId of clients.chainIds)
      expect(await clients.get(chainId).client.getChainId()).toBe(chainId)
    expect(await metricValue(registry, 'xmargin_rpc_errors_total', { chain_id: '31337' })).toBeGreaterThan(0)
    expect(await metricValue(registry, 'xmargin_rpc_errors_total', { chain_id: '31338' })).toBeGreaterThan(0)
  } finally {
    clients.close()
    await faulty.cleanup()
  }
})
