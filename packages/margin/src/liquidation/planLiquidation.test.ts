import fc from 'fast-check'
import { expect, test } from 'vitest'
import { AS_OF, marginInputArbitrary } from '../_test/arbitraries.js'
import type { MarginInput } from '../input/marginInputSchema.js'
import { computeMargin } from '../xpm1/computeMargin.js'
import { applyLiquidation } from './applyLiquidation.js'
import { planLiquidation } from './planLiquidation.js'

const expiry = AS_OF + 30 * 86_400

/**
 * Long 10 ETH perpetual and 5 short calls on two chains, with cash set so that equity is
 * `healthWanted`·MM.
 */
function underwater(healthWanted: number): MarginInput {
  const input: MarginInput = {
    asOf: AS_OF,
    cash: 0,
    units: [
      {
        underlying: 'ETH',
        spot: 3500,
        expiries: [{ expiry, forward: 3510, rate: 0.05, discount: 0.9959 }],
        options: [
          { id: 'eth-call', chainId: 31338, expiry, strike: 4000, isCall: true, amount: -5, vol: 0.7 },
        ],
        perps: [{ id: 'eth-perp', chainId: 31337, size: 10, markPrice: 3500, unrealisedPnl: -2000 }],
      },
    ],
  }
  const { equity, maintenanceMargin } = computeMargin(input)
  return { ...input, cash: healthWanted * maintenanceMargin - equity }
}

function expectConsistent(input: MarginInput, plan: ReturnType<typeof planLiquidation>): void {
  const after = computeMargin(applyLiquidation(input, plan))
  expect(after.equity).toBeCloseTo(plan.equityAfter, 6)
  expect(after.maintenanceMargin).toBeCloseTo(plan.mmAfter, 6)
}

test('default', () => {
  const input = underwater(0.95)
  const before = computeMargin(input)
  expect(before.mmSurplus).toBeLessThan(0)
  const plan = planLiquidation(input, { discount: 0.02 })
  expect(plan.reachesBuffer).toBe(true)
  expect(plan.healthAfter).toBeGreaterThanOrEqual(1.1)
  // the last step is shrunk until the buffer is met with (almost) no room to spare
  expect(plan.healthAfter).toBeCloseTo(1.1, 8)
  expect(plan.penalty).toBeCloseTo(
    0.02 * plan.closes.reduce((n, c) => n + Math.abs(c.closeSize) * c.spot, 0),
    9,
  )
  expect(plan.equityAfter).toBeCloseTo(before.equity - plan.penalty, 9)
  // the perpetual carries most of the risk, so it is reduced first
  expect(plan.closes[0]).toMatchObject({ id: 'eth-perp', kind: 'perp', underlying: 'ETH' })
  expect(plan.closes[0]!.closeSize).toBeLessThan(0)
  expectConsistent(input, plan)
})

test('behavior: a healthy account gets an empty plan', () => {
  const plan = planLiquidation(underwater(1.5), { discount: 0.01 })
  expect(plan.closes).toEqual([])
  expect(plan.reachesBuffer).toBe(true)
  expect(plan.penalty).toBe(0)
})

test('behavior: limited to one chain, only that chain positions are closed', () => {
  const input = underwater(0.99)
  const plan = planLiquidation(input, { discount: 0.02, chainId: 31337 })
  expect(plan.closes.map((c) => c.id)).toEqual(['eth-perp'])
  expect(plan.reachesBuffer).toBe(true)
  expectConsistent(input, plan)
  // the short calls hedge the long perpetual's upside: closing them alone would add risk, so nothing
  // on their chain is closed and the plan says the buffer is out of reach from there
  const callsOnly = planLiquidation(input, { discount: 0.02, chainId: 31338 })
  expect(callsOnly.closes).toEqual([])
  expect(callsOnly.reachesBuffer).toBe(false)
})

test('behavior: an over-hedged pair is closed back toward neutral, not leg by leg', () => {
  // 10 long against 9 short: closing either leg whole raises MM; closing ~1 of the long removes it
  const input: MarginInput = {
    asOf: AS_OF,
    cash: 500,
    units: [
      {
        underlying: 'ETH',
        spot: 3500,
        perps: [
          { size: 10, markPrice: 3500, unrealisedPnl: 0 },
          { size: -9, markPrice: 3500, unrealisedPnl: 0 },
        ],
      },
    ],
  }
  const before = computeMargin(input)
  expect(before.mmSurplus).toBeLessThan(0)
  const plan = planLiquidation(input, { discount: 0.01 })
  expect(plan.reachesBuffer).toBe(true)
  expect(plan.closes.map((c) => [c.id, c.closeSize < 0])).toEqual([['ETH/perp/0', true]])
  expect(plan.closes[0]!.closeSize).toBeGreaterThan(-2)
  expectConsistent(input, plan)
})

test('behavior: when the collateral cannot cover the penalty the plan says so', () => {
  const plan = planLiquidation(underwater(0.01), { discount: 0.05 })
  expect(plan.reachesBuffer).toBe(false)
  expect(plan.equityAfter).toBeLessThan(plan.targetHealth * plan.mmAfter)
})

test('behavior: out-of-range parameters are refused', () => {
  expect(() => planLiquidation(underwater(0.9), { discount: 1 })).toThrowErrorMatchingInlineSnapshot(
    `[MarginInputError: planLiquidation: discount must be in [0, 1), got 1]`,
  )
})

test('behavior: the plan restores the buffer whenever closing everything would, and never flips a sign', () => {
  let allowed = 0
  fc.assert(
    fc.property(
      marginInputArbitrary({ twoUnits: true, maxOptions: 4 }),
      fc.integer({ min: 0, max: 600 }),
      fc.integer({ min: 0, max: 99 }),
      (generated, seconds, healthPct) => {
        const discount = 0.01 + (0.04 * seconds) / 600
        // set cash so that the account is under maintenance: health between 0 and 0.99
        const raw = computeMargin(generated)
        fc.pre(raw.maintenanceMargin > 1)
        const input = {
          ...generated,
          cash: generated.cash! + (healthPct / 100) * raw.maintenanceMargin - raw.equity,
        }
        const before = computeMargin(input)
        expect(before.mmSurplus).toBeLessThan(0)
        // closing every position leaves MM = 0 and costs d·Σ|size|·spot
        let notional = 0
        for (const unit of input.units) {
          for (const option of unit.options ?? []) notional += Math.abs(option.amount) * unit.spot
          for (const perp of unit.perps ?? []) notional += Math.abs(perp.size) * unit.spot
        }
        const collateralAllows = before.equity - discount * notional >= 0
        const plan = planLiquidation(input, { discount })
        if (collateralAllows) {
          allowed++
          expect(plan.reachesBuffer).toBe(true)
          expect(plan.equityAfter).toBeGreaterThanOrEqual(1.1 * plan.mmAfter * (1 - 1e-12))
        }
        for (const close of plan.closes) {
          const unit = input.units.find((u) => u.underlying === close.underlying)!
          const size =
            close.kind === 'perp' ? unit.perps![close.index]!.size : unit.options![close.index]!.amount
          expect(Math.sign(close.closeSize)).toBe(-Math.sign(size))
          expect(Math.abs(close.closeSize)).toBeLessThanOrEqual(Math.abs(size))
        }
        expectConsistent(input, plan)
      },
    ),
    { numRuns: 100 },
  )
  // most generated accounts can be restored; the others exercise the shortfall path
  expect(allowed).toBeGreaterThan(20)
})
