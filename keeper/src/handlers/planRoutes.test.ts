import { expect, test } from 'vitest'
import { planRoutes } from './planRoutes.js'

test('default: ascending eids, each at most what it holds, the total at most the shortfall', () => {
  expect(
    planRoutes(500n, [
      { dstEid: 40103, valueUsd: 300n },
      { dstEid: 40102, valueUsd: 400n },
    ]),
  ).toEqual([
    { dstEid: 40102, maxUsd: 400n },
    { dstEid: 40103, maxUsd: 100n },
  ])
})

test('behavior: nothing to ask, or nobody holding anything', () => {
  expect(planRoutes(0n, [{ dstEid: 40102, valueUsd: 400n }])).toEqual([])
  expect(planRoutes(100n, [{ dstEid: 40102, valueUsd: 0n }])).toEqual([])
  expect(planRoutes(100n, [])).toEqual([])
  // More held than needed: only the shortfall, from the first chain.
  expect(
    planRoutes(100n, [
      { dstEid: 40102, valueUsd: 400n },
      { dstEid: 40103, valueUsd: 400n },
    ]),
  ).toEqual([{ dstEid: 40102, maxUsd: 100n }])
})
