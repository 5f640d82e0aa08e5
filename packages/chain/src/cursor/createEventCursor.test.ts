import { mockAggregatorAbi, mockAggregatorBytecode } from '@xmargin/contracts'
import { Registry } from 'prom-client'
import { type Address, createPublicClient, http, stringToHex } from 'viem'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { anvilClients } from '../_test/anvilClients.js'
import { metricValue } from '../_test/metricValue.js'
import { setupAnvil } from '../_test/setupAnvil.js'
import { setupRedis } from '../_test/setupRedis.js'
import { setupRpcProxy } from '../_test/setupRpcProxy.js'
import type { LogSource } from '../events/decodeLogs.js'
import type { ChainEvent, PriceUpdateEvent } from '../events/types.js'
import { createRpcTransport } from '../transport/createRpcTransport.js'
import { createCursorStore } from './createCursorStore.js'
import { createEventCursor, type EventBatch } from './createEventCursor.js'

let rpcUrl: string
let stopAnvil: () => Promise<void>
let clients: ReturnType<typeof anvilClients>
let aggregator: Address
let deployBlock: bigint
let snapshotId: `0x${string}`
const key = stringToHex('ETH', { size: 32 })

beforeAll(async () => {
  const { anvil, cleanup } = await setupAnvil(31337)
  rpcUrl = anvil.rpcUrl
  stopAnvil = cleanup
  clients = anvilClients(rpcUrl)
  const hash = await clients.wallet.deployContract({
    abi: mockAggregatorAbi,
    bytecode: mockAggregatorBytecode,
    args: [clients.account.address, 8, 3_000n * 10n ** 8n, 'ETH / USD'],
  })
  const receipt = await clients.public.waitForTransactionReceipt({ hash })
  aggregator = receipt.contractAddress!
  deployBlock = receipt.blockNumber
  snapshotId = await clients.test.snapshot()
})
afterAll(async () => {
  await stopAnvil()
})

let redis: Awaited<ReturnType<typeof setupRedis>>
beforeEach(async () => {
  redis = await setupRedis()
})
afterEach(async () => {
  await redis.cleanup()
  await clients.test.revert({ id: snapshotId })
  snapshotId = await clients.test.snapshot()
})

const sources = (): LogSource[] => [{ name: 'aggregator', address: aggregator, key, decimals: 8 }]

async function setAnswers(answers: readonly bigint[]) {
  for (const answer of answers) {
    const hash = await clients.wallet.writeContract({
      address: aggregator,
      abi: mockAggregatorAbi,
      functionName: 'setAnswer',
      args: [answer * 10n ** 8n],
    })
    await clients.public.waitForTransactionReceipt({ hash })
  }
}

/** A consumer that applies each event once, the way the portfolio does, and counts duplicates. */
function collector() {
  const seen = new Map<string, ChainEvent>()
  const batches: EventBatch[] = []
  let duplicates = 0
  return {
    batches,
    seen,
    duplicates: () => duplicates,
    onBatch: (batch: EventBatch) => {
      batches.push(batch)
      for (const event of batch.events) {
        if (event.kind === 'reorg') {
          for (const [id, kept] of seen)
            if (kept.kind !== 'reorg' && kept.blockNumber >= event.fromBlock) seen.delete(id)
          continue
        }
        if (seen.has(event.id)) duplicates++
        seen.set(event.id, event)
      }
    },
    prices: () =>
      [...seen.values()]
        .filter((event): event is PriceUpdateEvent => event.kind === 'priceUpdate')
        .map((event) => event.price / 10n ** 18n),
  }
}

test('default: back-fills from a block, decodes typed events in order and persists the position', async () => {
  await setAnswers([3_100n, 3_200n, 3_300n])
  const rpc = createRpcTransport({ chainId: 31337, urls: [rpcUrl] })
  const store = createCursorStore({ redis: redis.redis, keyPrefix: redis.prefix })
  const consumer = collector()
  const cursor = createEventCursor({
    chainId: 31337,
    client: createPublicClient({ transport: rpc.transport }),
    sources,
    store,
    fromBlock: deployBlock,
    onBatch: consumer.onBatch,
  })
  const result = await cursor.sync()
  const head = await clients.public.getBlockNumber()
  expect(result.status).toBe('caughtUp')
  expect(result.position.number).toBe(head)
  expect(consumer.prices()).toEqual([3_000n, 3_100n, 3_200n, 3_300n])
  const first = [...consumer.seen.values()].find((event) => event.kind === 'priceUpdate')
  expect(first).toMatchObject({
    kind: 'priceUpdate',
    source: 'aggregator',
    key,
    chainId: 31337,
    blockNumber: deployBlock,
  })
  expect((await store.load(31337))?.cursor).toEqual(result.position)
  rpc.close()
})

test('behavior: adaptive ranges halve on "too many results" and grow back', async () => {
  await setAnswers([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n])
  // A mock of a provider's log-range limit: anvil has none. Ranges above 3 blocks are refused.
  let refused = 0
  const proxy = await setupRpcProxy(rpcUrl, async (request) => {
    if (request.method !== 'eth_getLogs') return undefined
    const [filter] = request.params as [{ fromBlock: string; toBlock: string }]
    if (BigInt(filter.toBlock) - BigInt(filter.fromBlock) + 1n > 3n) {
      refused++
      return { code: -32005, message: 'query returned more than 10000 results' }
    }
    return undefined
  })
  const rpc = createRpcTransport({ chainId: 31337, urls: [proxy.url] })
  const registry = new Registry()
  const consumer = collector()
  try {
    const cursor = createEventCursor({
      chainId: 31337,
      client: createPublicClient({ transport: rpc.transport }),
      sources,
      store: createCursorStore({ redis: redis.redis, keyPrefix: redis.prefix }),
      fromBlock: deployBlock,
      range: { initial: 8, min: 1, max: 8 },
      onBatch: consumer.onBatch,
      registry,
    })
    await cursor.sync()
    expect(refused).toBeGreaterThan(0)
    expect(consumer.prices()).toEqual([3_000n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n])
    expect(consumer.duplicates()).toBe(0)
    const widths = consumer.batches.map((batch) => Number(batch.toBlock.number - batch.fromBlock + 1n))
    expect(Math.max(...widths)).toBeLessThanOrEqual(3)
  } finally {
    rpc.close()
    await proxy.cleanup()
  }
})

test('behavior: a reorg (anvil_reorg) rewinds to the common ancestor and voids the replaced events', async () => {
  await setAnswers([3_100n])
  const rpc = createRpcTransport({ chainId: 31337, urls: [rpcUrl] })
  const registry = new Registry()
  const consumer = collector()
  const cursor = createEventCursor({
    chainId: 31337,
    client: createPublicClient({ transport: rpc.transport }),
    sources,
    store: createCursorStore({ redis: redis.redis, keyPrefix: redis.prefix }),
    fromBlock: deployBlock,
    onBatch: consumer.onBatch,
    registry,
  })
  await cursor.sync()
  await setAnswers([3_200n, 3_300n])
  await cursor.sync()
  expect(consumer.prices()).toEqual([3_000n, 3_100n, 3_200n, 3_300n])
  const before = await clients.public.getBlockNumber()

  // Replace the last two blocks (the 3 200 and 3 300 answers) with two empty ones: same height.
  await clients.public.request({ method: 'anvil_reorg' as never, params: [2, []] as never })
  expect(await clients.public.getBlockNumber()).toBe(before)
  await setAnswers([3_250n])
  await cursor.sync()

  const reorgs = consumer.batches.flatMap((batch) => batch.events).filter((event) => event.kind === 'reorg')
  expect(reorgs).toEqual([
    expect.objectContaining({ kind: 'reorg', chainId: 31337, depth: 2, fromBlock: before - 1n }),
  ])
  expect(consumer.prices()).toEqual([3_000n, 3_100n, 3_250n])
  expect(consumer.duplicates()).toBe(0)
  expect(await metricValue(registry, 'xmargin_cursor_reorgs_total')).toBe(1)
  rpc.close()
})

test('behavior: a reorg by snapshot/revert to a shorter chain is detected while idle', async () => {
  const rpc = createRpcTransport({ chainId: 31337, urls: [rpcUrl] })
  const consumer = collector()
  const cursor = createEventCursor({
    chainId: 31337,
    client: createPublicClient({ transport: rpc.transport }),
    sources,
    store: createCursorStore({ redis: redis.redis, keyPrefix: redis.prefix }),
    fromBlock: deployBlock,
    onBatch: consumer.onBatch,
  })
  const id = await clients.test.snapshot()
  await setAnswers([3_100n, 3_200n])
  await cursor.sync()
  await clients.test.revert({ id })
  await clients.test.mine({ blocks: 1 })
  await cursor.sync()
  expect(consumer.prices()).toEqual([3_000n])
  await setAnswers([3_400n])
  await cursor.sync()
  expect(consumer.prices()).toEqual([3_000n, 3_400n])
  expect(consumer.duplicates()).toBe(0)
  rpc.close()
})

test('behavior: stopped mid-range, a new cursor resumes from Redis with nothing lost or repeated', async () => {
  await setAnswers([1n, 2n, 3n, 4n, 5n, 6n])
  // Hold the third eth_getLogs until the test has called stop(): the range in flight must be dropped.
  let getLogsCalls = 0
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  let reachedHold: () => void = () => {}
  const holding = new Promise<void>((resolve) => {
    reachedHold = resolve
  })
  const proxy = await setupRpcProxy(rpcUrl, async (request) => {
    if (request.method === 'eth_getLogs' && ++getLogsCalls === 3) {
      reachedHold()
      await held
    }
    return undefined
  })
  const consumer = collector()
  const store = createCursorStore({ redis: redis.redis, keyPrefix: redis.prefix })
  const common = {
    chainId: 31337,
    sources,
    store,
    fromBlock: deployBlock,
    range: { initial: 2, min: 1, max: 2 },
    onBatch: consumer.onBatch,
    pollIntervalMs: 10,
  }
  const rpcA = createRpcTransport({ chainId: 31337, urls: [proxy.url] })
  const first = createEventCursor({ ...common, client: createPublicClient({ transport: rpcA.transport }) })
  first.start()
  await holding
  const stopped = first.stop()
  release()
  await stopped
  rpcA.close()
  const delivered = consumer.seen.size
  expect(delivered).toBeGreaterThan(0)
  expect(delivered).toBeLessThan(7)
  const persisted = await store.load(31337)
  expect(persisted?.cursor).toEqual(first.position())

  const rpcB = createRpcTransport({ chainId: 31337, urls: [rpcUrl] })
  const second = createEventCursor({ ...common, client: createPublicClient({ transport: rpcB.transport }) })
  await second.sync()
  expect(consumer.prices()).toEqual([3_000n, 1n, 2n, 3n, 4n, 5n, 6n])
  expect(consumer.duplicates()).toBe(0)
  rpcB.close()
  await proxy.cleanup()
})

test('behavior: the background loop follows new blocks and stops cleanly', async () => {
  const rpc = createRpcTransport({ chainId: 31337, urls: [rpcUrl] })
  const consumer = collector()
  const cursor = createEventCursor({
    chainId: 31337,
    client: createPublicClient({ transport: http(rpcUrl) }),
    sources,
    store: createCursorStore({ redis: redis.redis, keyPrefix: redis.prefix }),
    onBatch: consumer.onBatch,
    pollIntervalMs: 20,
  })
  await cursor.sync() // initialise at the current head before the new block, then follow
  cursor.start()
  await setAnswers([4_000n])
  cursor.wake()
  await expect.poll(() => consumer.prices(), { timeout: 20_000 }).toEqual([4_000n])
  await cursor.stop()
  rpc.close()
})
