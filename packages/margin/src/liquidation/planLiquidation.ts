import { MarginInputError } from '../input/MarginInputError.js'
import type { MarginInput, PerpPosition } from '../input/marginInputSchema.js'
import { buildRiskArrays } from '../riskArrays/buildRiskArrays.js'
import { marginFromRiskArrays } from '../riskArrays/marginFromRiskArrays.js'
import type { RiskArrayUnitPositions } from '../riskArrays/riskArrayTypes.js'
import { splitMarginInput } from '../riskArrays/splitMarginInput.js'
import { healthOf } from '../xpm1/assembleMargin.js'
import { computeMargin } from '../xpm1/computeMargin.js'
import { DEFAULT_LIQUIDATION_PARAMS } from './liquidationParams.js'
import { liquidationPenalty } from './liquidationPenalty.js'

export type PlanLiquidationOptions = {
  /** d, the auction discount now: `auctionDiscount(secondsSinceFlagged)`. 0 ≤ d < 1. */
  discount: number
  /** Only close positions held on this chain (the liquidation runs where they sit); positions without
   * a `chainId` are then left alone. Default: every position. */
  chainId?: number | undefined
  /** Target equity ≥ (1 + bufferRatio)·MM. Default 0.1. */
  bufferRatio?: number | undefined
}

/** One position to close, partly or wholly. */
export type LiquidationClose = {
  /** The position's `id`, or `<underlying>/option/<index>` / `<underlying>/perp/<index>`. */
  id: string
  underlying: string
  kind: 'option' | 'perp'
  /** Index into the unit's `options` or `perps`. */
  index: number
  chainId?: number
  /** Signed amount that moves the position toward zero: size after = size + closeSize. */
  closeSize: number
  /** Spot of the underlying, which prices the penalty. */
  spot: number
}

export type LiquidationPlan = {
  closes: LiquidationClose[]
  equityBefore: number
  mmBefore: number
  healthBefore: number
  /** equityBefore − penalty (the backstop takes positions over at their marks). */
  equityAfter: number
  mmAfter: number
  imAfter: number
  healthAfter: number
  /** d·Σ|closeSize|·spot. */
  penalty: number
  discount: number
  /** 1 + bufferRatio. */
  targetHealth: number
  /** equityAfter ≥ (1 + bufferRatio)·mmAfter. */
  reachesBuffer: boolean
}

type Candidate = {
  kind: 'option' | 'perp'
  unit: number
  index: number
  id: string
  underlying: string
  chainId: number | undefined
  spot: number
  original: number
}

/** Fractions of a position's remaining size tried at each greedy step (fine ones find hedge ratios). */
const STEP_FRACTIONS = [1, 0.5, 0.25, 0.125, 0.0625] as const
const MAX_STEPS = 256
const BISECTION_STEPS = 64

/**
 * How much of which positions to close so that the account returns to the buffer above maintenance
 * margin, closing as little as possible. The on-chain Liquidator checks the same target.
 *
 *   target:   equity_after ≥ (1 + bufferRatio)·MM_after,  equity_after = equity − penalty,
 *             penalty = d·Σ|closeSize|·spot   (closes are taken over at mark: equity-neutral but for d)
 *   gap       = (1 + bufferRatio)·MM − (equity − penalty)          (reached when gap ≤ 0)
 *
 * Algorithm (deterministic):
 *  1. Candidates: every option and perpetual with a non-zero size (on `chainId` when given).
 *  2. Greedy: at each step try closing 1, 1/2, 1/4, 1/8 and 1/16 of each candidate's remaining size and
 *     score each try by MM reduction per unit of penalty, (MM − MM')/(|Δ|·spot) (the penalty is
 *     d·|Δ|·spot, so the ranking does not depend on d). Only tries that shrink the gap count,
 *     (1 + bufferRatio)·(MM − MM') > d·|Δ|·spot. Take the best (ties: perpetuals first, then the larger
 *     close, then input order); MM falls fastest where the worst scenario improves most, so the risk
 *     unit and instruments that drive the worst scenario go first.
 *  3. When a step reaches the target, shrink that step by bisection to the smallest close that still
 *     reaches it (64 halvings).
 *  4. If no single close helps any more (e.g. two legs that hedge each other must go together) and
 *     the target is not reached, close every remaining candidate in proportion g ∈ [0, 1]: the smallest
 *     g that reaches the target, found by bisection, or g = 1 when even that falls short but improves
 *     the gap (then `reachesBuffer` is false: the rest is bad-debt handling).
 *
 * Never flips a position's sign: every close moves a size toward zero and at most to zero. MM is
 * evaluated on risk arrays built from the account's own series, so each try costs a weighted sum.
 *
 * @throws MarginInputError when the discount or buffer ratio is out of range.
 */
export function planLiquidation(input: MarginInput, options: PlanLiquidationOptions): LiquidationPlan {
  const discount = options.discount
  const bufferRatio = options.bufferRatio ?? DEFAULT_LIQUIDATION_PARAMS.bufferRatio
  if (!(discount >= 0 && discount < 1)) {
    throw new MarginInputError(`planLiquidation: discount must be in [0, 1), got ${discount}`)
  }
  if (!(bufferRatio >= 0 && Number.isFinite(bufferRatio))) {
    throw new MarginInputError(`planLiquidation: bufferRatio must be ≥ 0, got ${bufferRatio}`)
  }
  const targetHealth = 1 + bufferRatio
  const before = computeMargin(input)
  const equityBefore = before.equity

  const { market, account } = splitMarginInput(input)
  const arrays = buildRiskArrays(market)
  const perps: PerpPosition[][] = account.units.map((unit) => (unit.perps ?? []).map((perp) => ({ ...perp })))
  const work: RiskArrayUnitPositions[] = account.units.map((unit, u) => ({
    underlying: unit.underlying,
    optionSeries: unit.optionSeries,
    optionAmounts: Float64Array.from(unit.optionAmounts ?? []),
    perps: perps[u]!,
  }))

  const candidates: Candidate[] = []
  for (const [u, unit] of input.units.entries()) {
    for (const [index, perp] of (unit.perps ?? []).entries()) {
      if (perp.size === 0 || (options.chainId !== undefined && perp.chainId !== options.chainId)) continue
      candidates.push({
        kind: 'perp',
        unit: u,
        index,
        id: perp.id ?? `${unit.underlying}/perp/${index}`,
        underlying: unit.underlying,
        chainId: perp.chainId,
        spot: unit.spot,
        original: perp.size,
      })
    }
    for (const [index, option] of (unit.options ?? []).entries()) {
      if (option.amount === 0 || (options.chainId !== undefined && option.chainId !== options.chainId))
        continue
      candidates.push({
        kind: 'option',
        unit: u,
        index,
        id: option.id ?? `${unit.underlying}/option/${index}`,
        underlying: unit.underlying,
        chainId: option.chainId,
        spot: unit.spot,
        original: option.amount,
      })
    }
  }

  const sizeOf = (c: Candidate): number =>
    c.kind === 'perp' ? perps[c.unit]![c.index]!.size : work[c.unit]!.optionAmounts![c.index]!
  const setSize = (c: Candidate, size: number): void => {
    if (c.kind === 'perp') perps[c.unit]![c.index]!.size = size
    else work[c.unit]!.optionAmounts![c.index] = size
  }
  const unitMm = (u: number): number => marginFromRiskArrays(arrays, { units: [work[u]!] }).maintenanceMargin
  const unitMms = work.map((_, u) => unitMm(u))
  const totalMm = (replaceUnit = -1, replacement = 0): number => {
    let total = 0
    for (let u = 0; u < unitMms.length; u++) total += u === replaceUnit ? replacement : unitMms[u]!
    return total
  }
  // penalty of the current sizes, always summed the same way as the final plan's
  const closesNow = (): { closeSize: number; spot: number }[] =>
    candidates.map((c) => ({ closeSize: sizeOf(c) - c.original, spot: c.spot }))
  const penaltyNow = (): number => liquidationPenalty(discount, closesNow())
  const gapOf = (mm: number, penalty: number): number => targetHealth * mm - (equityBefore - penalty)

  let mm = totalMm()
  let penalty = 0
  let reached = gapOf(mm, penalty) <= 0

  // 2–3. greedy steps, the last one shrunk by bisection
  for (let step = 0; step < MAX_STEPS && !reached; step++) {
    let best: { candidate: Candidate; fraction: number; score: number; unitMm: number } | undefined
    for (const candidate of candidates) {
      const size = sizeOf(candidate)
      if (size === 0) continue
      for (const fraction of STEP_FRACTIONS) {
        const delta = size * fraction
        setSize(candidate, size - delta)
        const trialUnitMm = unitMm(candidate.unit)
        setSize(candidate, size)
        const reduction = mm - totalMm(candidate.unit, trialUnitMm)
        const notional = Math.abs(delta) * candidate.spot
        if (!(targetHealth * reduction > discount * notional) || !(notional > 0)) continue
        const score = reduction / notional
        if (best === undefined || isBetter(score, candidate, fraction, best)) {
          best = { candidate, fraction, score, unitMm: trialUnitMm }
        }
      }
    }
    if (best === undefined) break
    const { candidate, fraction } = best
    const sizeBefore = sizeOf(candidate)
    const unitMmBefore = unitMms[candidate.unit]!
    setSize(candidate, sizeBefore - sizeBefore * fraction)
    unitMms[candidate.unit] = best.unitMm
    mm = totalMm()
    penalty = penaltyNow()
    if (gapOf(mm, penalty) > 0) continue
    // the smallest share g ∈ (0, fraction] of this step that still reaches the target
    let lo = 0
    let hi = fraction
    let hiUnitMm = best.unitMm
    for (let i = 0; i < BISECTION_STEPS && hi - lo > 1e-15 * hi; i++) {
      const mid = 0.5 * (lo + hi)
      setSize(candidate, sizeBefore - sizeBefore * mid)
      const midUnitMm = unitMm(candidate.unit)
      unitMms[candidate.unit] = midUnitMm
      if (gapOf(totalMm(), penaltyNow()) <= 0) {
        hi = mid
        hiUnitMm = midUnitMm
      } else {
        lo = mid
      }
      unitMms[candidate.unit] = unitMmBefore
    }
    setSize(candidate, sizeBefore - sizeBefore * hi)
    unitMms[candidate.unit] = hiUnitMm
    mm = totalMm()
    penalty = penaltyNow()
    reached = true
  }

  // 4. close everything left in proportion when single closes no longer help
  if (!reached && candidates.some((c) => sizeOf(c) !== 0)) {
    const remaining = candidates.map((c) => sizeOf(c))
    const scaleTo = (g: number): number => {
      for (const [k, c] of candidates.entries()) setSize(c, remaining[k]! - remaining[k]! * g)
      for (let u = 0; u < work.length; u++) unitMms[u] = unitMm(u)
      return gapOf(totalMm(), penaltyNow())
    }
    const gapNow = gapOf(mm, penalty)
    const gapAll = scaleTo(1)
    if (gapAll <= 0) {
      let lo = 0
      let hi = 1
      for (let i = 0; i < BISECTION_STEPS && hi - lo > 1e-15; i++) {
        const mid = 0.5 * (lo + hi)
        if (scaleTo(mid) <= 0) hi = mid
        else lo = mid
      }
      scaleTo(hi)
    } else if (!(gapAll < gapNow)) {
      scaleTo(0)
    }
    mm = totalMm()
    penalty = penaltyNow()
  }

  const closes: LiquidationClose[] = []
  for (const c of candidates) {
    const closeSize = sizeOf(c) - c.original
    if (closeSize === 0) continue
    closes.push({
      id: c.id,
      underlying: c.underlying,
      kind: c.kind,
      index: c.index,
      ...(c.chainId === undefined ? {} : { chainId: c.chainId }),
      closeSize,
      spot: c.spot,
    })
  }
  const after = marginFromRiskArrays(arrays, { units: work })
  const equityAfter = equityBefore - penalty
  return {
    closes,
    equityBefore,
    mmBefore: before.maintenanceMargin,
    healthBefore: before.health,
    equityAfter,
    mmAfter: mm,
    imAfter: after.initialMargin,
    healthAfter: healthOf(equityAfter, mm),
    penalty,
    discount,
    targetHealth,
    reachesBuffer: equityAfter >= targetHealth * mm,
  }
}

/** Higher score wins; within 1e-12 relative, perpetuals first, then the larger close, then input order. */
function isBetter(
  score: number,
  candidate: Candidate,
  fraction: number,
  best: { candidate: Candidate; fraction: number; score: number },
): boolean {
  const tolerance = 1e-12 * Math.max(Math.abs(score), Math.abs(best.score))
  if (score > best.score + tolerance) return true
  if (score < best.score - tolerance) return false
  if (candidate.kind !== best.candidate.kind) return candidate.kind === 'perp'
  return fraction > best.fraction
}
