import { randomUUID } from 'node:crypto'
import { createConfig, readContracts } from '@wagmi/core'
import { loadDeployment, viemChain } from '@xmargin/config'
import { multicall3Abi } from '@xmargin/contracts'
import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { Queue, QueueEvents, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { http } from 'viem'
import { expect, inject, test } from 'vitest'

test('default: reads all three chains with one multicall request per chain', async () => {
  const deployment = await loadDeployment(inject('deploymentPath'))
  expect(deployment.chains).toHaveLength(3)

  const requestsPerChain = new Map<number, number>()
  const chains = deployment.chains.map(viemChain)
  const config = createConfig({
    chains: chains as [ReturnType<typeof viemChain>, ...ReturnType<typeof viemChain>[]],
    transports: Object.fromEntries(
      deployment.chains.map((chain) => [
        chain.chainId,
        http(chain.rpcUrls[0], {
          onFetchRequest: () => {
            requestsPerChain.set(chain.chainId, (requestsPerChain.get(chain.chainId) ?? 0) + 1)
          },
        }),
      ]),
    ),
  })

  const accounts = ANVIL_ACCOUNTS.slice(0, 4).map((account) => account.address)
  const contracts = deployment.chains.flatMap((chain) => [
    {
      chainId: chain.chainId,
      address: chain.contracts.multicall3,
      abi: multicall3Abi,
      functionName: 'getChainId',
    },
    ...accounts.map((account) => ({
      chainId: chain.chainId,
      address: chain.contracts.multicall3,
      abi: multicall3Abi,
      functionName: 'getEthBalance',
      args: [account],
    })),
  ])
  const results = await readContracts(config, { contracts: contracts as never, allowFailure: false })

  // 3 chains x (1 chain id + 4 balances) = 15 reads, in exactly one eth_call per chain.
  expect(results).toHaveLength(15)
  expect(Object.fromEntries(requestsPerChain)).toEqual({ 31337: 1, 31338: 1, 31339: 1 })
  deployment.chains.forEach((chain, i) => {
    const [chainId, ...balances] = (results as unknown as bigint[]).slice(i * 5, i * 5 + 5)
    expect(chainId).toBe(BigInt(chain.chainId))
    for (const balance of balances) expect(balance).toBe(10_000n * 10n ** 18n)
  })
})

test('behavior: a BullMQ job round-trips through the devnet Redis', async () => {
  const connection = { url: inject('redisUrl'), maxRetriesPerRequest: null }
  const name = `foundation-${randomUUID()}`
  const prefix = '{xmargin-test}'
  const queue = new Queue(name, { connection, prefix })
  const events = new QueueEvents(name, { connection, prefix })
  const worker = new Worker(name, async (job) => ({ doubled: (job.data as { n: number }).n * 2 }), {
    connection,
    prefix,
  })
  try {
    await events.waitUntilReady()
    const job = await queue.add('double', { n: 21 }, { jobId: 'double-21' })
    // Adding the same job id again is a no-op: deterministic ids make enqueueing idempotent.
    const again = await queue.add('double', { n: 21 }, { jobId: 'double-21' })
    expect(again.id).toBe(job.id)
    expect(await job.waitUntilFinished(events, 10_000)).toEqual({ doubled: 42 })
    expect(await queue.getJobCounts('completed', 'waiting', 'active')).toEqual({
      completed: 1,
      waiting: 0,
      active: 0,
    })
  } finally {
    await worker.close()
    await events.close()
    await queue.obliterate({ force: true })
    await queue.close()
  }
  // Nothing of this queue is left in Redis.
  const redis = new Redis(inject('redisUrl'))
  try {
    expect(await redis.keys(`${prefix}:${name}:*`)).toEqual([])
  } finally {
    redis.disconnect()
  }
})
