import { expect, test } from 'vitest'
import { healthBand } from './healthBand.js'

const thresholds = { healthy: 1.5, warning: 1.2 }
const band = (equity: number, mm: number) =>
  healthBand({ equity, maintenanceMargin: mm, mmSurplus: equity - mm }, thresholds)

test('default', () => {
  expect([
    band(200, 100),
    band(150, 100),
    band(149, 100),
    band(120, 100),
    band(119, 100),
    band(100, 100),
  ]).toEqual(['healthy', 'healthy', 'warning', 'warning', 'danger', 'danger'])
})

test('behavior: below maintenance is liquidatable, whatever the sign of equity', () => {
  expect([band(99.99, 100), band(-5, 100), band(-5, 0)]).toEqual([
    'liquidatable',
    'liquidatable',
    'liquidatable',
  ])
})

test('behavior: no maintenance margin and non-negative equity is healthy', () => {
  expect([band(0, 0), band(10, 0)]).toEqual(['healthy', 'healthy'])
})
