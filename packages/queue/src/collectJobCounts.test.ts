import { afterEach, beforeEach, expect, test } from 'vitest'
import { delivery, liquidation } from './_test/fixtures.js'
import { deleteQueues, freshBasePrefix, redisUrl } from './_test/redis.js'
import { collectJobCounts } from './collectJobCounts.js'
import { createJobQueue } from './createJobQueue.js'

let basePrefix: string
beforeEach(() => {
  basePrefix = freshBasePrefix()
})
afterEach(async () => {
  await deleteQueues(basePrefix)
})

test('default: one sample per queue and state', async () => {
  const liquidations = createJobQueue({ kind: 'liquidate', chainId: 31337, connection: redisUrl, basePrefix })
  const deliveries = createJobQueue({ kind: 'lzDeliver', chainId: 31337, connection: redisUrl, basePrefix })
  try {
    await liquidations.add(liquidation(7n))
    await liquidations.add(liquidation(8n))
    await deliveries.add(delivery, { delayMs: 60_000 })
    const samples = await collectJobCounts([liquidations, deliveries])
    expect(samples.filter((sample) => sample.count > 0)).toEqual([
      { queue: 'liquidate-31337', kind: 'liquidate', chainId: 31337, state: 'waiting', count: 2 },
      { queue: 'lzDeliver-31337', kind: 'lzDeliver', chainId: 31337, state: 'delayed', count: 1 },
    ])
    expect(samples).toHaveLength(14)
  } finally {
    await liquidations.close()
    await deliveries.close()
  }
})
