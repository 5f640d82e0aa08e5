import { expect, test } from 'vitest'
import { fullBucket, reserveToken, type TokenBucketState } from './tokenBucket.js'

const config = { ratePerSecond: 10, burst: 2 }

test('default: a full bucket serves its burst at once, then one token per 1/rate', () => {
  let state: TokenBucketState = fullBucket(config, 0)
  const waits: number[] = []
  for (let i = 0; i < 5; i++) {
    const reserved = reserveToken(state, 0, config)
    state = reserved.state
    waits.push(reserved.waitMs)
  }
  expect(waits).toEqual([0, 0, 100, 200, 300])
})

test('behavior: refills with time, never above the burst', () => {
  const drained = { tokens: -1, updatedAtMs: 0 }
  expect(reserveToken(drained, 200, config).waitMs).toBe(0)
  const idle = reserveToken({ tokens: 0, updatedAtMs: 0 }, 60_000, config)
  expect(idle.state.tokens).toBe(1)
})
