import { expect, test } from 'vitest'
import { xpm1Vectors } from '../_test/vectors.js'
import { parseMarginInput } from '../input/parseMarginInput.js'
import { computeMargin } from './computeMargin.js'
import { marginOutput } from './marginOutput.js'

test('default', () => {
  const output = marginOutput(computeMargin(parseMarginInput(xpm1Vectors().cases[3]!.input)))
  expect(Object.keys(output)).toEqual([
    'equity',
    'initialMargin',
    'maintenanceMargin',
    'imSurplus',
    'mmSurplus',
    'health',
    'units',
  ])
  expect(Object.keys(output.units[0]!)).toEqual([
    'underlying',
    'mtm',
    'worst',
    'worstScenario',
    'worstShock',
    'basis',
    'im',
    'mm',
  ])
  expect(output.units[0]!.worstScenario).toBe(21)
  expect(output.units[0]!.worstShock).toEqual({ spotShock: 1.18, vol: 'up', dampening: 1 })
})

test('behavior: health is null when there is no maintenance margin', () => {
  const output = marginOutput(computeMargin({ asOf: 0, cash: 10, units: [] }))
  expect(output.health).toBeNull()
  expect(JSON.parse(JSON.stringify(output)).health).toBeNull()
})
