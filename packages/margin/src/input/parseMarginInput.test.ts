import { expect, test } from 'vitest'
import { xpm1Vectors } from '../_test/vectors.js'
import { MarginInputError } from './MarginInputError.js'
import { parseMarginInput } from './parseMarginInput.js'

const REMOVE = Symbol('remove')

/** The cross-chain vector's input with the value at `path` replaced (or removed), for each edit. */
function edited(...edits: [path: (string | number)[], value: unknown][]): unknown {
  const input = structuredClone(xpm1Vectors().cases[2]!.input)
  for (const [path, value] of edits) {
    let node = input as Record<string | number, unknown>
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
    const last = path[path.length - 1]!
    if (value === REMOVE) delete node[last]
    else node[last] = value
  }
  return input
}

function messageOf(value: unknown): string {
  try {
    parseMarginInput(value)
  } catch (error) {
    expect(error).toBeInstanceOf(MarginInputError)
    return (error as MarginInputError).shortMessage
  }
  throw new Error('expected the input to be rejected')
}

test('default', () => {
  const input = parseMarginInput(edited())
  expect(input.units.map((unit) => unit.underlying)).toEqual(['BTC', 'ETH'])
})

test('behavior: a missing field is named', () => {
  expect(messageOf(edited([['units', 1, 'spot'], REMOVE]))).toMatchInlineSnapshot(
    `"Invalid margin input: units[1].spot: is required"`,
  )
})

test('behavior: a wrong type is named with what was given', () => {
  expect(messageOf(edited([['units', 0, 'options', 0, 'strike'], '90000']))).toMatchInlineSnapshot(
    `"Invalid margin input: units[0].options[0].strike: expected number, got string "90000""`,
  )
})

test('behavior: a negative spot is rejected', () => {
  expect(messageOf(edited([['units', 0, 'spot'], -100000]))).toMatchInlineSnapshot(
    `"Invalid margin input: units[0].spot: must be positive"`,
  )
})

test('behavior: a non-positive forward or discount is rejected', () => {
  expect(messageOf(edited([['units', 1, 'expiries', 0, 'forward'], 0]))).toMatchInlineSnapshot(
    `"Invalid margin input: units[1].expiries[0].forward: must be positive"`,
  )
  expect(messageOf(edited([['units', 0, 'expiries', 0, 'discount'], -0.99]))).toMatchInlineSnapshot(
    `"Invalid margin input: units[0].expiries[0].discount: must be positive"`,
  )
})

test('behavior: an expiry at or before asOf is rejected', () => {
  const input = edited(
    [['units', 0, 'expiries', 0, 'expiry'], 1767225600],
    [['units', 0, 'options', 0, 'expiry'], 1767225600],
  )
  expect(messageOf(input)).toMatchInlineSnapshot(
    `"Invalid margin input: units[0].expiries[0].expiry: must be after asOf (1767225600)"`,
  )
})

test('behavior: an option whose expiry is not among its unit expiries is rejected', () => {
  expect(messageOf(edited([['units', 1, 'options', 0, 'expiry'], 1769817601]))).toMatchInlineSnapshot(
    `"Invalid margin input: units[1].options[0].expiry: 1769817601 is not among units[1].expiries"`,
  )
})

test('behavior: overrides naming an underlying not in units are rejected', () => {
  expect(
    messageOf(edited([['params', 'overrides'], { SOL: { volShock: { rangeUp: 0.7 } } }])),
  ).toMatchInlineSnapshot(`"Invalid margin input: params.overrides.SOL: no unit has underlying SOL"`)
})

test('behavior: an unknown field is named rather than ignored', () => {
  expect(messageOf(edited([['collateral', 1, 'chainPenalti'], 0.02]))).toMatchInlineSnapshot(
    `"Invalid margin input: collateral[1].chainPenalti: unknown field"`,
  )
})

test('behavior: ranges, enums, duplicates and loss factors', () => {
  expect(messageOf(edited([['collateral', 0, 'haircut'], 1.5]))).toMatchInlineSnapshot(
    `"Invalid margin input: collateral[0].haircut: must be at most 1"`,
  )
  expect(messageOf(edited([['params', 'scenarios', 0, 'vol'], 'sideways']))).toMatchInlineSnapshot(
    `"Invalid margin input: params.scenarios[0].vol: must be one of "up", "none", "down""`,
  )
  expect(messageOf(edited([['units', 1, 'underlying'], 'BTC']))).toMatchInlineSnapshot(
    `"Invalid margin input: units[1].underlying: duplicate underlying BTC (already units[0])"`,
  )
  expect(
    messageOf(edited([['params', 'overrides'], { ETH: { lossFactor: { im: 0.5 } } }])),
  ).toMatchInlineSnapshot(
    `"Invalid margin input: params.overrides.ETH.lossFactor.im: must be at least lossFactor.mm (0.8), or IM could fall below MM"`,
  )
  expect(messageOf(edited([['asOf'], 1767225600.5]))).toMatchInlineSnapshot(
    `"Invalid margin input: asOf: expected an integer, got number 1767225600.5"`,
  )
})

test('behavior: every further issue is listed in the details', () => {
  try {
    parseMarginInput(edited([['units', 0, 'spot'], -1], [['units', 1, 'spot'], 'x']))
  } catch (error) {
    expect((error as MarginInputError).details).toMatchInlineSnapshot(
      `"  also units[1].spot: expected number, got string "x""`,
    )
  }
})
