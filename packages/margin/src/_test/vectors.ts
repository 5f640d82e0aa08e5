import { readFileSync } from 'node:fs'

/*
 * The public reference vectors, copied from shared/vectors/ into packages/margin/test-vectors/ so that a
 * fresh clone can run the tests (values unchanged; only re-indented by the formatter).
 */

function readVectors(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../test-vectors/${name}`, import.meta.url), 'utf8'))
}

export type PricingRow = {
  id: string
  model: string
  inputs: Record<string, number | string>
  expected: Record<string, number | string>
  tolerance: { abs: number; rel_vega?: number }
  source: string
}

export type Xpm1Case = {
  id: string
  input: unknown
  expected: {
    equity: number
    initialMargin: number
    maintenanceMargin: number
    imSurplus: number
    mmSurplus: number
    units: { mtm: number; worst: number; worstIndex: number; basis: number; im: number; mm: number }[]
  }
  tolerance: { rel: number; abs: number }
}

/** `test-vectors/pricing.json` rows. */
export function pricingRows(): PricingRow[] {
  return (readVectors('pricing.json') as { rows: PricingRow[] }).rows
}

/** `test-vectors/xpm1-cases.json`. */
export function xpm1Vectors(): { defaultParams: unknown; cases: Xpm1Case[] } {
  return readVectors('xpm1-cases.json') as { defaultParams: unknown; cases: Xpm1Case[] }
}

/** |actual − expected| ≤ max(abs, rel·|expected|), the tolerance rule of the XPM-1 vectors. */
export function withinTolerance(
  actual: number,
  expected: number,
  tolerance: { rel: number; abs: number },
): boolean {
  return Math.abs(actual - expected) <= Math.max(tolerance.abs, tolerance.rel * Math.abs(expected))
}
