import { z } from 'zod'
import { marginParamsInputSchema } from '../xpm1/paramsSchema.js'
import { resolveParams } from '../xpm1/resolveParams.js'

/*
 * The input of XPM-1 and of `xmargin margin` (DESIGN.md §3). Every number is a JSON number, amounts are
 * in units of the asset, prices in USD, times in Unix seconds. Unknown fields are rejected, so a typo
 * cannot silently drop a field.
 */

const finite = z.number()
const positive = z.number().positive()
const nonNegative = z.number().nonnegative()
const fraction = z.number().min(0).max(1)
const unixSeconds = z.number().int().nonnegative()
const chainId = z.number().int().positive()

/** A collateral line, worth amount·price·(1 − haircut)·(1 − chainPenalty). */
export const collateralLineSchema = z.strictObject({
  /** Symbol, e.g. `WETH`. */
  asset: z.string().min(1),
  /** The chain that holds it. */
  chainId,
  amount: nonNegative,
  /** USD per unit of the asset. */
  price: nonNegative,
  /** Share of the value not counted, 0..1. */
  haircut: fraction,
  /** Bridge, finality and oracle-latency penalty of the chain, 0..1. Default 0. */
  chainPenalty: fraction.optional(),
})

/** One expiry of a risk unit: its forward, rate and discount factor. */
export const expiryInputSchema = z.strictObject({
  /** Unix seconds, after `asOf`. */
  expiry: unixSeconds,
  /** F (> 0). */
  forward: positive,
  /** Annualised rate used by the static discount. */
  rate: finite,
  /** D, the discount factor to expiry (> 0). */
  discount: positive,
})

/** A European cash-settled option position. */
export const optionPositionSchema = z.strictObject({
  /** Identifier used by liquidation plans; default `<underlying>/option/<index>`. */
  id: z.string().min(1).optional(),
  /** The chain that holds the position (liquidation can be limited to one chain). */
  chainId: chainId.optional(),
  /** Must be one of the unit's `expiries`. */
  expiry: unixSeconds,
  strike: positive,
  isCall: z.boolean(),
  /** Contracts, signed: positive long, negative short. */
  amount: finite,
  /** σ of this series (≥ 0). */
  vol: nonNegative,
})

/** A perpetual position. */
export const perpPositionSchema = z.strictObject({
  /** Identifier used by liquidation plans; default `<underlying>/perp/<index>`. */
  id: z.string().min(1).optional(),
  chainId: chainId.optional(),
  /** Signed size in units of the underlying. */
  size: finite,
  markPrice: positive,
  /** Unrealised P&L in USD, funding included. */
  unrealisedPnl: finite,
})

/** Every position on one underlying, whatever chain it sits on. */
export const riskUnitInputSchema = z.strictObject({
  underlying: z.string().min(1),
  spot: positive,
  /** Default []. */
  expiries: z.array(expiryInputSchema).optional(),
  /** Default []. */
  options: z.array(optionPositionSchema).optional(),
  /** Default []. */
  perps: z.array(perpPositionSchema).optional(),
})

/**
 * The zod schema of the margin input. Besides each field's type and range it checks: one unit per
 * underlying, each expiry strictly after `asOf` and listed once, each option's expiry among its unit's
 * `expiries`, every `params.overrides` key naming an underlying of `units`, and `lossFactor.im ≥ mm`.
 */
export const marginInputSchema = z
  .strictObject({
    /** Valuation time, Unix seconds. T = (expiry − asOf)/31 536 000. */
    asOf: unixSeconds,
    /** USD cash, may be negative (a debt). Default 0. */
    cash: finite.optional(),
    /** Default []. */
    collateral: z.array(collateralLineSchema).optional(),
    /** Default: test-vectors/xpm1-cases.json `defaultParams`; may be given in part. */
    params: marginParamsInputSchema.optional(),
    units: z.array(riskUnitInputSchema),
  })
  .superRefine((input, ctx) => {
    const underlyings = new Map<string, number>()
    for (const [u, unit] of input.units.entries()) {
      const previous = underlyings.get(unit.underlying)
      if (previous !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['units', u, 'underlying'],
          message: `duplicate underlying ${unit.underlying} (already units[${previous}])`,
        })
      }
      underlyings.set(unit.underlying, u)
      const expiries = new Map<number, number>()
      for (const [e, expiry] of (unit.expiries ?? []).entries()) {
        if (expiry.expiry <= input.asOf) {
          ctx.addIssue({
            code: 'custom',
            path: ['units', u, 'expiries', e, 'expiry'],
            message: `must be after asOf (${input.asOf})`,
          })
        }
        if (expiries.has(expiry.expiry)) {
          ctx.addIssue({
            code: 'custom',
            path: ['units', u, 'expiries', e, 'expiry'],
            message: `duplicate expiry ${expiry.expiry} (already units[${u}].expiries[${expiries.get(expiry.expiry)}])`,
          })
        }
        expiries.set(expiry.expiry, e)
      }
      for (const [o, option] of (unit.options ?? []).entries()) {
        if (!expiries.has(option.expiry)) {
          ctx.addIssue({
            code: 'custom',
            path: ['units', u, 'options', o, 'expiry'],
            message: `${option.expiry} is not among units[${u}].expiries`,
          })
        }
      }
    }
    for (const underlying of Object.keys(input.params?.overrides ?? {})) {
      if (!underlyings.has(underlying)) {
        ctx.addIssue({
          code: 'custom',
          path: ['params', 'overrides', underlying],
          message: `no unit has underlying ${underlying}`,
        })
      }
    }
    for (const underlying of input.units.length > 0 ? underlyings.keys() : ['(any)']) {
      const { lossFactor } = resolveParams(input.params, underlying)
      if (lossFactor.im < lossFactor.mm) {
        const inOverride = input.params?.overrides?.[underlying]?.lossFactor !== undefined
        ctx.addIssue({
          code: 'custom',
          path: inOverride
            ? ['params', 'overrides', underlying, 'lossFactor', 'im']
            : ['params', 'lossFactor', 'im'],
          message: `must be at least lossFactor.mm (${lossFactor.mm}), or IM could fall below MM`,
        })
        break
      }
    }
  })

export type MarginInput = z.infer<typeof marginInputSchema>
export type CollateralLine = z.infer<typeof collateralLineSchema>
export type ExpiryInput = z.infer<typeof expiryInputSchema>
export type OptionPosition = z.infer<typeof optionPositionSchema>
export type PerpPosition = z.infer<typeof perpPositionSchema>
export type RiskUnitInput = z.infer<typeof riskUnitInputSchema>
