import { MarginInputError } from '../input/MarginInputError.js'
import type { RiskUnitInput } from '../input/marginInputSchema.js'
import { black76Price } from '../pricing/black76Price.js'
import { type ExpiryConstants, expiryConstants, scenarioVol } from './expiryConstants.js'
import type { ExpiryDetail, UnitMarginDetail } from './marginResult.js'
import type { Xpm1Params } from './paramsSchema.js'
import { unitRequirements } from './unitRequirements.js'

/**
 * XPM-1 for one risk unit by direct revaluation: every option is repriced under every scenario.
 * This is the reference implementation of DESIGN.md §3; the risk-array path must agree with it.
 *
 * Per expiry e with forward F, discount D and constants T, up, down, pos, neg (expiryConstants):
 *
 *   MtM_e        = Σ amount·B76(F, K, T, σ, D)
 *   V_e(s)       = Σ amount·B76(F·spotShock_s, K, T, σ_s, D),   σ_s = max(minVolUp, σ·up) | σ | σ·down
 *   pnl(s)      += ((V_e(s) ≥ 0 ? V_e(s)·pos : V_e(s)·neg) − MtM_e)·dampening_s
 *   basis       += min(V_e(spotUp) − MtM_e, V_e(spotDown) − MtM_e, 0)·(addFactor + multFactor·T)
 *                  (V_e(x) revalued with forward F·x and unchanged vols, no static discount)
 *
 * Perpetuals, with N = Σ size·markPrice:   pnl(s) += N·(spotShock_s − 1)·dampening_s
 *
 *   worst = min_s pnl(s);   MtM = Σ MtM_e + Σ unrealisedPnl
 *   naked = Σ over (expiry, strike) of max(0, shorts − longs) = max(0, −Σ amount);  perps = |Σ size|
 *
 * then unitRequirements (L, contingencies, IM_u, MM_u).
 */
export function computeUnitMargin(unit: RiskUnitInput, params: Xpm1Params, asOf: number): UnitMarginDetail {
  const { scenarios } = params
  const { minVolUp } = params.volShock
  const scenarioCount = scenarios.length
  const pnl = new Float64Array(scenarioCount)
  const options = unit.options ?? []
  const expiries = unit.expiries ?? []
  const expiryDetails: ExpiryDetail[] = []
  const seen = new Set<number>()
  let optionsMtm = 0
  let basisTotal = 0

  for (const expiry of expiries) {
    const constants: ExpiryConstants = expiryConstants(expiry, asOf, params)
    const { timeYears, staticLong, staticShort } = constants
    const { forward, discount } = expiry
    const legs = options.filter((option) => option.expiry === expiry.expiry)
    seen.add(expiry.expiry)

    let mtm = 0
    let valueUp = 0
    let valueDown = 0
    for (const leg of legs) {
      mtm += leg.amount * black76Price(forward, leg.strike, timeYears, leg.vol, discount, leg.isCall)
      valueUp +=
        leg.amount *
        black76Price(forward * params.basis.spotUp, leg.strike, timeYears, leg.vol, discount, leg.isCall)
      valueDown +=
        leg.amount *
        black76Price(forward * params.basis.spotDown, leg.strike, timeYears, leg.vol, discount, leg.isCall)
    }
    for (let s = 0; s < scenarioCount; s++) {
      const scenario = scenarios[s]!
      const shockedForward = forward * scenario.spotShock
      let value = 0
      for (const leg of legs) {
        const vol = scenarioVol(leg.vol, scenario.vol, constants, minVolUp)
        value += leg.amount * black76Price(shockedForward, leg.strike, timeYears, vol, discount, leg.isCall)
      }
      const discounted = value >= 0 ? value * staticLong : value * staticShort
      pnl[s] = pnl[s]! + (discounted - mtm) * scenario.dampening
    }
    const basis = Math.min(valueUp - mtm, valueDown - mtm, 0) * constants.basisFactor
    optionsMtm += mtm
    basisTotal += basis
    expiryDetails.push({
      expiry: expiry.expiry,
      timeYears,
      mtm,
      basis,
      volUp: constants.volUp,
      volDown: constants.volDown,
      staticLong,
      staticShort,
    })
  }
  for (const [index, option] of options.entries()) {
    if (!seen.has(option.expiry)) {
      throw new MarginInputError(
        `Invalid margin input: ${unit.underlying} options[${index}].expiry: ${option.expiry} is not among the unit's expiries`,
      )
    }
  }

  let perpNotional = 0
  let perpSize = 0
  let perpPnl = 0
  for (const perp of unit.perps ?? []) {
    perpNotional += perp.size * perp.markPrice
    perpSize += perp.size
    perpPnl += perp.unrealisedPnl
  }
  let worst = Number.POSITIVE_INFINITY
  let worstScenario = 0
  for (let s = 0; s < scenarioCount; s++) {
    const scenario = scenarios[s]!
    const value = pnl[s]! + perpNotional * ((scenario.spotShock - 1) * scenario.dampening)
    pnl[s] = value
    if (value < worst) {
      worst = value
      worstScenario = s
    }
  }

  const netByStrike = new Map<string, number>()
  for (const option of options) {
    const key = `${option.expiry}:${option.strike}`
    netByStrike.set(key, (netByStrike.get(key) ?? 0) + option.amount)
  }
  let naked = 0
  for (const net of netByStrike.values()) if (net < 0) naked -= net

  const requirements = unitRequirements(worst, basisTotal, naked, Math.abs(perpSize), unit.spot, params)
  return {
    underlying: unit.underlying,
    mtm: optionsMtm + perpPnl,
    worst,
    worstScenario,
    basis: basisTotal,
    nakedShortContracts: naked,
    netPerpSize: Math.abs(perpSize),
    ...requirements,
    worstShock: scenarios[worstScenario]!,
    scenarioPnl: Array.from(pnl),
    expiries: expiryDetails,
  }
}
