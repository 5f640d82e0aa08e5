import fc from 'fast-check'
import { expect, test } from 'vitest'
import { xpm1Vectors } from '../_test/vectors.js'
import { parseMarginInput } from '../input/parseMarginInput.js'
import { computeMargin } from '../xpm1/computeMargin.js'
import { applyChange } from './applyChange.js'
import { maxTradeSize } from './maxTradeSize.js'
import { maxWithdrawal } from './maxWithdrawal.js'
import { whatIf } from './whatIf.js'

// cross-chain-two-units: USDC on 31337, WETH on 31338, WBTC on 31339; BTC and ETH units
const input = parseMarginInput(xpm1Vectors().cases[2]!.input)
const ethExpiry = 1769817600

test('default', () => {
  const result = whatIf(input, { kind: 'perp', underlying: 'ETH', size: 5, markPrice: 3501.5 })
  expect(result.before).toEqual(computeMargin(input))
  expect(result.after.equity).toBeCloseTo(result.before.equity, 9)
  expect(result.after.units[1]!.netPerpSize).toBe(17)
  expect(result.allowed).toBe(true)
})

test('behavior: an option bought at its model value leaves equity unchanged; a premium above it costs equity', () => {
  const trade = {
    kind: 'option',
    underlying: 'ETH',
    expiry: ethExpiry,
    strike: 3000,
    isCall: false,
    amount: 3,
    vol: 0.7,
  } as const
  const fair = whatIf(input, trade)
  expect(fair.after.equity).toBeCloseTo(fair.before.equity, 9)
  const rich = whatIf(input, [{ ...trade, price: 1000 }])
  expect(rich.after.equity).toBeLessThan(fair.after.equity)
})

test('behavior: withdrawals lower equity by the margin value withdrawn', () => {
  const result = whatIf(input, { kind: 'withdrawCollateral', asset: 'WETH', chainId: 31338, amount: 1 })
  expect(result.before.equity - result.after.equity).toBeCloseTo(3500 * 0.9 * 0.98, 9)
  expect(() =>
    applyChange(input, { kind: 'withdrawCollateral', asset: 'WETH', chainId: 31338, amount: 5 }),
  ).toThrowErrorMatchingInlineSnapshot(
    `[MarginInputError: Cannot withdraw 5 WETH on chain 31338: the line holds 4]`,
  )
  expect(() => applyChange(input, { kind: 'withdrawCash', amount: 1 })).toThrowErrorMatchingInlineSnapshot(
    `[MarginInputError: Cannot withdraw 1 of cash: the account holds 0]`,
  )
})

test('behavior: the largest withdrawal leaves imSurplus at zero, not below', () => {
  const usdc = maxWithdrawal(input, { asset: 'USDC', chainId: 31337 })
  expect(usdc.amount).toBe(25_000) // the whole line: the surplus is larger
  const lean = applyChange(input, {
    kind: 'withdrawCollateral',
    asset: 'USDC',
    chainId: 31337,
    amount: 25_000,
  })
  const wbtc = maxWithdrawal(lean, { asset: 'WBTC', chainId: 31339 })
  expect(wbtc.amount).toBeGreaterThan(0)
  expect(wbtc.amount).toBeLessThan(0.25)
  expect(wbtc.after.imSurplus).toBeGreaterThanOrEqual(0)
  expect(wbtc.after.imSurplus).toBeLessThan(1e-6)
  expect(maxWithdrawal(lean, 'cash').amount).toBe(0)
})

test('behavior: the largest trade keeps imSurplus ≥ 0 and one step more would not', () => {
  const short = maxTradeSize(input, { kind: 'perp', underlying: 'BTC', size: -1, markPrice: 99_980 })
  expect(short.limitedBy).toBe('imSurplus')
  expect(short.size).toBeLessThan(0)
  expect(short.after.imSurplus).toBeGreaterThanOrEqual(0)
  const further = computeMargin(
    applyChange(input, { kind: 'perp', underlying: 'BTC', size: short.size * (1 + 1e-9), markPrice: 99_980 }),
  )
  expect(further.imSurplus).toBeLessThan(0)
})

test('behavior: a trade on an account already below IM is not allowed at all', () => {
  const poor = { ...input, collateral: [] }
  expect(computeMargin(poor).imSurplus).toBeLessThan(0)
  const result = maxTradeSize(poor, { kind: 'perp', underlying: 'ETH', size: 1, markPrice: 3501.5 })
  expect(result).toMatchObject({ multiple: 0, size: 0, limitedBy: 'alreadyBelowInitialMargin' })
})

test('behavior: max trade sizes of random perpetual trades are feasible', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -50, max: 50 }).filter((n) => n !== 0),
      fc.boolean(),
      (size, onBtc) => {
        const trade = onBtc
          ? ({ kind: 'perp', underlying: 'BTC', size: size / 10, markPrice: 99_980 } as const)
          : ({ kind: 'perp', underlying: 'ETH', size, markPrice: 3501.5 } as const)
        const result = maxTradeSize(input, trade)
        expect(result.after.imSurplus).toBeGreaterThanOrEqual(0)
        expect(Math.sign(result.size)).toBe(Math.sign(trade.size))
      },
    ),
    { numRuns: 30 },
  )
})
