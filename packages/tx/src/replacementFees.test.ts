import { expect, test } from 'vitest'
import { initialFees, replacementFees } from './replacementFees.js'

const gwei = (n: number) => BigInt(Math.round(n * 1e9))
const policy = { feeCapMultiplier: 3, maxFeePerGasCap: gwei(100) }

test('default: a replacement escalates both fields by 12.5 %', () => {
  expect(
    replacementFees(
      { maxFeePerGas: gwei(20), maxPriorityFeePerGas: gwei(2) },
      { maxFeePerGas: gwei(20), maxPriorityFeePerGas: gwei(2) },
      policy,
    ),
  ).toEqual({ maxFeePerGas: gwei(22.5), maxPriorityFeePerGas: gwei(2.25) })
})

test('behavior: a rising market is followed up to capMult · estimate', () => {
  const old = { maxFeePerGas: gwei(10), maxPriorityFeePerGas: gwei(1) }
  expect(replacementFees(old, { maxFeePerGas: gwei(30), maxPriorityFeePerGas: gwei(4) }, policy)).toEqual({
    maxFeePerGas: gwei(30),
    maxPriorityFeePerGas: gwei(4),
  })
})

test('behavior: the node minimum (+10 % and 1 wei) wins when the market fell', () => {
  const old = { maxFeePerGas: gwei(30), maxPriorityFeePerGas: gwei(3) }
  // capMult · estimate = 6 gwei is below what the node accepts as a replacement: pay old · 1.10 + 1.
  expect(replacementFees(old, { maxFeePerGas: gwei(2), maxPriorityFeePerGas: gwei(0.5) }, policy)).toEqual({
    maxFeePerGas: gwei(33) + 1n,
    maxPriorityFeePerGas: gwei(3.3) + 1n,
  })
})

test('behavior: no replacement once even the node minimum exceeds the absolute cap', () => {
  const estimate = { maxFeePerGas: gwei(80), maxPriorityFeePerGas: gwei(2) }
  expect(
    replacementFees({ maxFeePerGas: gwei(90), maxPriorityFeePerGas: gwei(2) }, estimate, policy),
  ).toEqual({
    maxFeePerGas: gwei(100),
    maxPriorityFeePerGas: gwei(2.25),
  })
  expect(
    replacementFees({ maxFeePerGas: gwei(95), maxPriorityFeePerGas: gwei(2) }, estimate, policy),
  ).toBeUndefined()
})

test('behavior: repeated bumps grow at least 10 % each and stop at the cap', () => {
  const estimate = { maxFeePerGas: gwei(10), maxPriorityFeePerGas: gwei(1) }
  const history = [estimate]
  for (
    let next = replacementFees(estimate, estimate, policy);
    next;
    next = replacementFees(next, estimate, policy)
  )
    history.push(next)
  for (let i = 1; i < history.length; i++) {
    expect(history[i]!.maxFeePerGas * 100n).toBeGreaterThan(history[i - 1]!.maxFeePerGas * 110n)
    expect(history[i]!.maxPriorityFeePerGas * 100n).toBeGreaterThan(
      history[i - 1]!.maxPriorityFeePerGas * 110n,
    )
    expect(history[i]!.maxFeePerGas).toBeLessThanOrEqual(gwei(100))
  }
  expect(history.length).toBeGreaterThan(10)
})

test('behavior: first fees are the estimate within the absolute cap', () => {
  expect(initialFees({ maxFeePerGas: gwei(500), maxPriorityFeePerGas: gwei(200) }, policy)).toEqual({
    maxFeePerGas: gwei(100),
    maxPriorityFeePerGas: gwei(100),
  })
})
