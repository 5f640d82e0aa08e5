import { MarginInputError } from '../input/MarginInputError.js'
import { assembleMargin } from '../xpm1/assembleMargin.js'
import { collateralValue } from '../xpm1/collateralValue.js'
import type { MarginResult, UnitMargin } from '../xpm1/marginResult.js'
import { unitRequirements } from '../xpm1/unitRequirements.js'
import type { RiskArrayAccount, RiskArrays, RiskArrayUnitPositions, UnitRiskArray } from './riskArrayTypes.js'

/**
 * The XPM-1 margin of one account from prebuilt risk arrays: a weighted sum of series vectors per
 * expiry, then the per-expiry static discount, so no option is repriced. Equal to `computeMargin` on
 * the same positions (same operations in the same order; tested to 1e-9).
 *
 * Per unit, with a_j = optionAmounts[j] contracts of series i(j) = optionSeries[j] in expiry e(j):
 *
 *   V_e(s)  = Σ_j a_j·values_i(j),s        MtM_e = Σ_j a_j·mark_i(j)
 *   pnl(s)  = Σ_e ((V_e(s) ≥ 0 ? V_e(s)·pos_e : V_e(s)·neg_e) − MtM_e)·dampening_s
 *             + (Σ size·markPrice)·(spotShock_s − 1)·dampening_s
 *   basis   = Σ_e min(Σ_j a_j·basisUp_i(j) − MtM_e, Σ_j a_j·basisDown_i(j) − MtM_e, 0)·basisFactor_e
 *
 * then worst, naked shorts per (expiry, strike), and unitRequirements as in the direct path.
 *
 * @throws MarginInputError when the account holds an underlying the market does not have.
 */
export function marginFromRiskArrays(
  arrays: RiskArrays,
  account: RiskArrayAccount,
): MarginResult<UnitMargin> {
  const units: UnitMargin[] = []
  for (const positions of account.units) {
    const index = arrays.unitIndex.get(positions.underlying)
    if (index === undefined) {
      throw new MarginInputError(`Invalid account: no risk arrays for underlying ${positions.underlying}`)
    }
    units.push(unitFromRiskArray(arrays.units[index]!, positions))
  }
  return assembleMargin(account.cash ?? 0, collateralValue(account.collateral), units)
}

function unitFromRiskArray(unit: UnitRiskArray, positions: RiskArrayUnitPositions): UnitMargin {
  const S = unit.scenarioCount
  const S4 = S & ~3
  const E = unit.expiryCount
  const { values, mark, basisUp, basisDown, seriesExpiry, seriesBucket } = unit
  const { expiryValue, pnl, mtm, up, down, touchedExpiry, bucketNet, bucketSeen, touchedBuckets } =
    unit.scratch
  // The scratch buffers are all zero between calls: each touched expiry row and bucket is cleared
  // right after use (cheaper than TypedArray#fill, a builtin call per buffer).
  for (let s = 0; s < S; s++) pnl[s] = 0

  let touchedBucketCount = 0
  const optionSeries = positions.optionSeries
  const optionAmounts = positions.optionAmounts
  const optionCount = optionSeries === undefined ? 0 : optionSeries.length
  if (optionCount > 0) {
    if (optionAmounts === undefined || optionAmounts.length !== optionCount) {
      throw new MarginInputError(
        `Invalid account: ${unit.underlying} optionAmounts must have one amount per optionSeries entry`,
      )
    }
    // check first, so that a bad index cannot leave the scratch buffers dirty
    for (let j = 0; j < optionCount; j++) {
      const i = optionSeries![j]!
      if (!(i >= 0 && i < unit.seriesCount)) {
        throw new MarginInputError(
          `Invalid account: ${unit.underlying} optionSeries[${j}] = ${i} is not a series`,
        )
      }
    }
    for (let j = 0; j < optionCount; j++) {
      const i: number = optionSeries![j]!
      const a: number = optionAmounts[j]!
      const e = seriesExpiry[i]!
      touchedExpiry[e] = 1
      mtm[e] = mtm[e]! + a * mark[i]!
      up[e] = up[e]! + a * basisUp[i]!
      down[e] = down[e]! + a * basisDown[i]!
      // expiryValue[e·S + s] += a·values[i·S + s] for every s, unrolled by four (2.4× faster in V8;
      // each element still sees the same additions in the same order)
      const base = i * S
      const row = e * S
      let s = 0
      for (; s < S4; s += 4) {
        const o = row + s
        const p = base + s
        expiryValue[o] = expiryValue[o]! + a * values[p]!
        expiryValue[o + 1] = expiryValue[o + 1]! + a * values[p + 1]!
        expiryValue[o + 2] = expiryValue[o + 2]! + a * values[p + 2]!
        expiryValue[o + 3] = expiryValue[o + 3]! + a * values[p + 3]!
      }
      for (; s < S; s++) expiryValue[row + s] = expiryValue[row + s]! + a * values[base + s]!
      const bucket = seriesBucket[i]!
      if (bucketSeen[bucket] === 0) {
        bucketSeen[bucket] = 1
        touchedBuckets[touchedBucketCount++] = bucket
      }
      bucketNet[bucket] = bucketNet[bucket]! + a
    }
  }

  let optionsMtm = 0
  let basis = 0
  const { dampening, staticLong, staticShort, basisFactor } = unit
  for (let e = 0; e < E; e++) {
    if (touchedExpiry[e] === 0) continue
    const pos = staticLong[e]!
    const neg = staticShort[e]!
    const m = mtm[e]!
    const row = e * S
    for (let s = 0; s < S; s++) {
      const value = expiryValue[row + s]!
      expiryValue[row + s] = 0
      const discounted = value >= 0 ? value * pos : value * neg
      pnl[s] = pnl[s]! + (discounted - m) * dampening[s]!
    }
    optionsMtm += m
    basis += Math.min(up[e]! - m, down[e]! - m, 0) * basisFactor[e]!
    touchedExpiry[e] = 0
    mtm[e] = 0
    up[e] = 0
    down[e] = 0
  }

  let perpNotional = 0
  let perpSize = 0
  let perpPnl = 0
  const perps = positions.perps
  if (perps !== undefined) {
    for (let k = 0; k < perps.length; k++) {
      const perp = perps[k]!
      perpNotional += perp.size * perp.markPrice
      perpSize += perp.size
      perpPnl += perp.unrealisedPnl
    }
  }
  const { perpShock } = unit
  let worst = Number.POSITIVE_INFINITY
  let worstScenario = 0
  for (let s = 0; s < S; s++) {
    const value = pnl[s]! + perpNotional * perpShock[s]!
    if (value < worst) {
      worst = value
      worstScenario = s
    }
  }

  let naked = 0
  for (let b = 0; b < touchedBucketCount; b++) {
    const bucket = touchedBuckets[b]!
    const net = bucketNet[bucket]!
    if (net < 0) naked -= net
    bucketNet[bucket] = 0
    bucketSeen[bucket] = 0
  }

  const netPerpSize = Math.abs(perpSize)
  const requirements = unitRequirements(worst, basis, naked, netPerpSize, unit.spot, unit.params)
  return {
    underlying: unit.underlying,
    mtm: optionsMtm + perpPnl,
    worst,
    worstScenario,
    basis,
    loss: requirements.loss,
    nakedShortContracts: naked,
    netPerpSize,
    contingencyIm: requirements.contingencyIm,
    contingencyMm: requirements.contingencyMm,
    im: requirements.im,
    mm: requirements.mm,
  }
}
