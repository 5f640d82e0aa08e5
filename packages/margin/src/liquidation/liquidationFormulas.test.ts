import fc from 'fast-check'
import { expect, test } from 'vitest'
import { auctionDiscount } from './auctionDiscount.js'
import { backstopTake } from './backstopTake.js'
import { keeperReward } from './keeperReward.js'
import { liquidationPenalty } from './liquidationPenalty.js'

test('default', () => {
  expect(auctionDiscount(0)).toBe(0.01)
  expect(auctionDiscount(300)).toBeCloseTo(0.03, 15)
  expect(auctionDiscount(600)).toBe(0.05)
  expect(auctionDiscount(86_400)).toBe(0.05)
  const penalty = liquidationPenalty(0.03, [
    { closeSize: -0.5, spot: 100_000 },
    { closeSize: 4, spot: 3500 },
  ])
  expect(penalty).toBeCloseTo(1920, 9)
  // 2 gwei × 400 000 gas × $3500 = $2.80, floor $3.80 < 50 % of $1920
  expect(keeperReward({ penalty, gasPriceWei: 2_000_000_000n, nativeUsd: 3500 })).toEqual({
    reward: 960,
    costFloor: 1 + 2.8,
    backstopTake: 960,
  })
})

test('behavior: the discount rises linearly and never passes the max', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 10_000, noNaN: true }),
      fc.double({ min: 0, max: 10_000, noNaN: true }),
      (a, b) => {
        const [t1, t2] = a <= b ? [a, b] : [b, a]
        expect(auctionDiscount(t1)).toBeLessThanOrEqual(auctionDiscount(t2))
        expect(auctionDiscount(t2)).toBeLessThanOrEqual(0.05)
        expect(auctionDiscount(t1)).toBeGreaterThanOrEqual(0.01)
      },
    ),
  )
  expect(auctionDiscount(60, { startDiscount: 0, maxDiscount: 0.1, auctionDurationS: 120 })).toBeCloseTo(
    0.05,
    15,
  )
})

test('behavior: a negative or NaN clock is refused', () => {
  expect(() => auctionDiscount(-1)).toThrowErrorMatchingInlineSnapshot(
    `[MarginInputError: auctionDiscount: seconds since flagged must be ≥ 0, got -1]`,
  )
  expect(() => auctionDiscount(Number.NaN)).toThrow()
})

test('behavior: the reward covers the keeper cost floor and never exceeds the cap', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1e7, noNaN: true }),
      fc.bigInt({ min: 0n, max: 500_000_000_000n }),
      fc.double({ min: 0, max: 10_000, noNaN: true }),
      (penalty, gasPriceWei, nativeUsd) => {
        const { reward, costFloor, backstopTake: take } = keeperReward({ penalty, gasPriceWei, nativeUsd })
        expect(reward).toBeLessThanOrEqual(2500)
        expect(reward).toBe(Math.min(2500, Math.max(costFloor, 0.5 * penalty)))
        if (costFloor <= 2500) expect(reward).toBeGreaterThanOrEqual(costFloor)
        expect(take).toBe(penalty - reward)
      },
    ),
  )
})

test('behavior: small liquidations are topped up by the backstop, large ones capped', () => {
  const small = keeperReward({ penalty: 2, gasPriceWei: 10_000_000_000n, nativeUsd: 3000 })
  expect(small.reward).toBeCloseTo(13, 12)
  expect(small.backstopTake).toBeCloseTo(-11, 12)
  const large = keeperReward({ penalty: 100_000, gasPriceWei: 1n, nativeUsd: 3000 })
  expect(large.reward).toBe(2500)
  expect(large.backstopTake).toBe(97_500)
  expect(backstopTake(10, 4)).toBe(6)
})
