import { z } from 'zod'

/*
 * XPM-1 parameters (DESIGN.md §3). Defaults: test-vectors/xpm1-cases.json `defaultParams`
 * (see defaultParams.ts). Every number is a plain ratio unless its name says otherwise.
 */

const finite = z.number()
const positive = z.number().positive()
const nonNegative = z.number().nonnegative()

/** One row of the scenario grid: spot × spotShock, a vol state, and a dampening of the P&L. */
export const scenarioSchema = z.strictObject({
  /** Multiplier of the forward (1.18 = +18 %). */
  spotShock: positive,
  /** Vol state: `up` = max(minVolUp, σ·up), `none` = σ, `down` = σ·down. */
  vol: z.enum(['up', 'none', 'down']),
  /** The scenario's P&L is multiplied by this (1 for the regular grid, < 1 for tails). */
  dampening: nonNegative,
})

export const volShockSchema = z.strictObject({
  /** up = 1 + rangeUp·k. Default 0.5. */
  rangeUp: nonNegative,
  /** down = max(0, 1 − rangeDown·k). Default 0.3. */
  rangeDown: nonNegative,
  /** p in k = (30 d / max(T, floor))^p for expiries at most 30 days away. Default 0.3. */
  shortTermPower: finite,
  /** p for expiries more than 30 days away. Default 0.13. */
  longTermPower: finite,
  /** Floor of T in days in k. Default 1. */
  dteFloorDays: positive,
  /** Lowest vol under a vol-up scenario. Default 0.4. */
  minVolUp: nonNegative,
})

export const staticDiscountSchema = z.strictObject({
  /** pos = long·e^(−T·(rate·longRateMult + longRateAdd)). Default 0.95. */
  long: positive,
  /** neg = min(1/D, short/e^(−T·(rate·shortRateMult + shortRateAdd))). Default 1.04. */
  short: positive,
  /** Default 1. */
  longRateMult: finite,
  /** Default 0.08. */
  longRateAdd: finite,
  /** Default 0.5. */
  shortRateMult: finite,
  /** Default 0.08. */
  shortRateAdd: finite,
})

export const basisSchema = z.strictObject({
  /** Forward multiplier of the up leg. Default 1.045. */
  spotUp: positive,
  /** Forward multiplier of the down leg. Default 0.955. */
  spotDown: positive,
  /** Factor addFactor + multFactor·T. Default 0.5. */
  addFactor: nonNegative,
  /** Default 2. */
  multFactor: nonNegative,
})

export const contingencySchema = z.strictObject({
  /** Per naked short option contract, share of spot added to MM (and IM). Default 0.003. */
  mmOptionPct: nonNegative,
  /** Per naked short option contract, share of spot added to IM only. Default 0.002. */
  imOptionPct: nonNegative,
  /** Per unit of |net perpetual size|, share of spot added to MM (and IM). Default 0.03. */
  mmPerpPct: nonNegative,
  /** Per unit of |net perpetual size|, share of spot added to IM only. Default 0.01. */
  imPerpPct: nonNegative,
})

export const lossFactorSchema = z.strictObject({
  /** IM = −im·L + contingencies. Default 1. Must be ≥ mm. */
  im: nonNegative,
  /** MM = −mm·L + MM contingencies. Default 0.8. */
  mm: nonNegative,
})

/** A complete XPM-1 parameter set for one underlying. */
export const xpm1ParamsSchema = z.strictObject({
  scenarios: z.array(scenarioSchema).min(1),
  volShock: volShockSchema,
  staticDiscount: staticDiscountSchema,
  basis: basisSchema,
  contingency: contingencySchema,
  lossFactor: lossFactorSchema,
})

/** Parameters given in part: each section is merged field by field over the defaults; `scenarios` replaces. */
export const partialParamsSchema = z.strictObject({
  scenarios: z.array(scenarioSchema).min(1).optional(),
  volShock: volShockSchema.partial().optional(),
  staticDiscount: staticDiscountSchema.partial().optional(),
  basis: basisSchema.partial().optional(),
  contingency: contingencySchema.partial().optional(),
  lossFactor: lossFactorSchema.partial().optional(),
})

/** `params` of the margin input: a partial set for every unit, plus partial sets per underlying. */
export const marginParamsInputSchema = partialParamsSchema.extend({
  /** Per-underlying overrides, applied over the top-level params: `{ "ETH": { "volShock": { "rangeUp": 0.6 } } }`. */
  overrides: z.record(z.string(), partialParamsSchema).optional(),
})

export type Scenario = z.infer<typeof scenarioSchema>
export type Xpm1Params = z.infer<typeof xpm1ParamsSchema>
export type PartialParams = z.infer<typeof partialParamsSchema>
export type MarginParamsInput = z.infer<typeof marginParamsInputSchema>
