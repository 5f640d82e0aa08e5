import { DEFAULT_PARAMS } from './defaultParams.js'
import type { MarginParamsInput, PartialParams, Xpm1Params } from './paramsSchema.js'

/**
 * The complete XPM-1 parameters for one underlying: the defaults, then `params` (top level), then
 * `params.overrides[underlying]`, each section merged field by field; a given `scenarios` list
 * replaces the previous one whole.
 *
 * @example resolveParams({ volShock: { rangeUp: 0.6 }, overrides: { BTC: { volShock: { rangeUp: 0.55 } } } }, 'BTC').volShock.rangeUp // 0.55
 */
export function resolveParams(params: MarginParamsInput | undefined, underlying: string): Xpm1Params {
  if (params === undefined) return DEFAULT_PARAMS
  const override = params.overrides?.[underlying]
  return merge(merge(DEFAULT_PARAMS, params), override)
}

function merge(base: Xpm1Params, over: PartialParams | undefined): Xpm1Params {
  if (over === undefined) return base
  return {
    scenarios: over.scenarios ?? base.scenarios,
    volShock: { ...base.volShock, ...defined(over.volShock) },
    staticDiscount: { ...base.staticDiscount, ...defined(over.staticDiscount) },
    basis: { ...base.basis, ...defined(over.basis) },
    contingency: { ...base.contingency, ...defined(over.contingency) },
    lossFactor: { ...base.lossFactor, ...defined(over.lossFactor) },
  }
}

/** Drops keys whose value is undefined, so `{ rangeUp: undefined }` does not erase a default. */
function defined<T extends object>(section: T | undefined): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: { [K in keyof T]?: Exclude<T[K], undefined> } = {}
  if (section === undefined) return out
  for (const [key, value] of Object.entries(section)) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value
  }
  return out
}
