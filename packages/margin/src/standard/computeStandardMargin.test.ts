import { expect, test } from 'vitest'
import { computeStandardMargin } from './computeStandardMargin.js'

test('default', () => {
  const result = computeStandardMargin({
    cash: 10_000,
    units: [{ underlying: 'ETH', spot: 3500, perps: [{ size: 2, markPrice: 3500, unrealisedPnl: -50 }] }],
  })
  expect(result.maintenanceMargin).toBeCloseTo(0.065 * 2 * 3500, 9)
  expect(result.initialMargin).toBeCloseTo(0.1 * 2 * 3500, 9)
  expect(result.equity).toBe(9950)
})

test('behavior: short calls lose IM as they go out of the money, down to the floor', () => {
  const margin = (strike: number) =>
    computeStandardMargin({
      units: [
        { underlying: 'BTC', spot: 100_000, options: [{ strike, isCall: true, amount: -1, markPrice: 100 }] },
      ],
    })
  expect(margin(100_000).initialMargin).toBeCloseTo(15_000, 6)
  expect(margin(101_000).initialMargin).toBeCloseTo(14_000, 6)
  expect(margin(150_000).initialMargin).toBeCloseTo(13_000, 6)
  expect(margin(150_000).maintenanceMargin).toBeCloseTo(9_000, 6)
  expect(margin(150_000).equity).toBe(-100)
})

test('behavior: a short put never requires more than its strike per contract, and longs require nothing', () => {
  const result = computeStandardMargin({
    units: [
      {
        underlying: 'X',
        spot: 100,
        options: [
          { strike: 5, isCall: false, amount: -10, markPrice: 0.01 },
          { strike: 120, isCall: true, amount: 3, markPrice: 1 },
        ],
      },
    ],
  })
  expect(result.initialMargin).toBeCloseTo(50, 9)
  expect(result.maintenanceMargin).toBeCloseTo(50, 9)
  expect(result.units[0]!.positions.map((p) => p.im)).toEqual([50, 0])
})

test('behavior: no netting, a hedged perpetual pair pays for both legs (unlike XPM-1)', () => {
  const result = computeStandardMargin({
    units: [
      {
        underlying: 'ETH',
        spot: 3500,
        perps: [
          { size: 1, markPrice: 3500, unrealisedPnl: 0, chainId: 1 },
          { size: -1, markPrice: 3500, unrealisedPnl: 0, chainId: 2 },
        ],
      },
    ],
  })
  expect(result.maintenanceMargin).toBeCloseTo(2 * 0.065 * 3500, 9)
})
