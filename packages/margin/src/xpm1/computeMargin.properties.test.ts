import fc from 'fast-check'
import { expect, test } from 'vitest'
import { AS_OF, marginInputArbitrary } from '../_test/arbitraries.js'
import type { MarginInput, PerpPosition } from '../input/marginInputSchema.js'
import { computeMargin } from './computeMargin.js'

/*
 * Properties of XPM-1 that hold for every portfolio (STYLE.md, acceptance of issue 4).
 */

const relativeClose = (a: number, b: number) =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

test('default', () => {
  // IM ≥ MM ≥ 0 on random one- and two-unit portfolios
  fc.assert(
    fc.property(fc.oneof(marginInputArbitrary(), marginInputArbitrary({ twoUnits: true })), (input) => {
      const result = computeMargin(input)
      expect(result.maintenanceMargin).toBeGreaterThanOrEqual(0)
      expect(result.initialMargin).toBeGreaterThanOrEqual(result.maintenanceMargin)
      for (const unit of result.units) {
        expect(unit.mm).toBeGreaterThanOrEqual(0)
        expect(unit.im).toBeGreaterThanOrEqual(unit.mm)
      }
    }),
    { numRuns: 200 },
  )
})

test('behavior: adding collateral never lowers health', () => {
  fc.assert(
    fc.property(
      marginInputArbitrary({ twoUnits: true }),
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.constantFrom(
        { asset: 'USDC', chainId: 31337, price: 1, haircut: 0 },
        { asset: 'WBTC', chainId: 31339, price: 100_000, haircut: 0.08, chainPenalty: 0.02 },
      ),
      (input, amount, line) => {
        const before = computeMargin(input)
        const after = computeMargin({
          ...input,
          collateral: [...(input.collateral ?? []), { ...line, amount }],
        })
        expect(after.health).toBeGreaterThanOrEqual(before.health)
        expect(after.maintenanceMargin).toBe(before.maintenanceMargin)
        expect(after.initialMargin).toBe(before.initialMargin)
      },
    ),
    { numRuns: 100 },
  )
})

test('behavior: scaling every position by k scales IM and MM by k', () => {
  fc.assert(
    fc.property(
      marginInputArbitrary({ twoUnits: true }),
      fc.integer({ min: 1, max: 400 }).map((x) => x / 20),
      (input, k) => {
        const scaled: MarginInput = {
          ...input,
          units: input.units.map((unit) => ({
            ...unit,
            options: (unit.options ?? []).map((option) => ({ ...option, amount: option.amount * k })),
            perps: (unit.perps ?? []).map((perp) => ({
              ...perp,
              size: perp.size * k,
              unrealisedPnl: perp.unrealisedPnl * k,
            })),
          })),
        }
        const base = computeMargin(input)
        const result = computeMargin(scaled)
        expect(relativeClose(result.initialMargin, k * base.initialMargin)).toBe(true)
        expect(relativeClose(result.maintenanceMargin, k * base.maintenanceMargin)).toBe(true)
      },
    ),
    { numRuns: 100 },
  )
})

test('behavior: a hedge never raises the worst loss of a linear book', () => {
  const perp = fc.record({
    size: fc.integer({ min: -100, max: 100 }).map((x) => x / 10),
    markPrice: fc.integer({ min: 3450, max: 3550 }),
    unrealisedPnl: fc.integer({ min: -500, max: 500 }),
  })
  fc.assert(
    fc.property(
      fc.array(perp, { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 0, max: 100 }),
      (perps: PerpPosition[], hedgePct) => {
        // a linear book on ETH (perpetuals on several chains), hedged by an opposite perpetual of at
        // most its net size
        const book = (positions: PerpPosition[]): MarginInput => ({
          asOf: AS_OF,
          cash: 0,
          units: [{ underlying: 'ETH', spot: 3500, perps: positions }],
        })
        const net = perps.reduce((n, p) => n + p.size * p.markPrice, 0)
        const hedge = { size: (-(net / 3500) * hedgePct) / 100, markPrice: 3500, unrealisedPnl: 0 }
        const before = computeMargin(book(perps)).units[0]!
        const after = computeMargin(book([...perps, hedge])).units[0]!
        expect(after.worst).toBeGreaterThanOrEqual(before.worst - 1e-9 * Math.abs(before.worst))
        expect(after.mm).toBeLessThanOrEqual(before.mm + 1e-9 * before.mm)
      },
    ),
    { numRuns: 200 },
  )
})
