import type { CollateralLine, PerpPosition } from '../input/marginInputSchema.js'
import { assembleMargin } from '../xpm1/assembleMargin.js'
import { collateralValue } from '../xpm1/collateralValue.js'
import type { MarginResult } from '../xpm1/marginResult.js'

/** Parameters of the standard (per-position) model; shares of spot per contract or unit of size. */
export type StandardMarginParams = {
  /** IM of a perpetual per unit of |size|, share of spot. Default 0.10. */
  perpIm: number
  /** MM of a perpetual per unit of |size|, share of spot. Default 0.065. */
  perpMm: number
  /** IM of a short option per contract before the out-of-the-money reduction, share of spot. Default 0.15. */
  shortOptionImBase: number
  /** Lowest IM share of a short option however far out of the money. Default 0.13. */
  shortOptionImFloor: number
  /** MM of a short option per contract, share of spot. Default 0.09. */
  shortOptionMm: number
}

/** Derive's standard-manager shape with its published BTC/ETH-like rates (research E2, Derive SRM). */
export const DEFAULT_STANDARD_PARAMS: StandardMarginParams = {
  perpIm: 0.1,
  perpMm: 0.065,
  shortOptionImBase: 0.15,
  shortOptionImFloor: 0.13,
  shortOptionMm: 0.09,
}

/** An option position valued at a quoted mark (no vol surface needed). */
export type StandardOptionPosition = {
  id?: string | undefined
  chainId?: number | undefined
  expiry?: number | undefined
  strike: number
  isCall: boolean
  /** Contracts, signed. */
  amount: number
  /** USD per contract, e.g. the venue's mark or the last trade. */
  markPrice: number
}

export type StandardUnitInput = {
  underlying: string
  spot: number
  options?: readonly StandardOptionPosition[] | undefined
  perps?: readonly PerpPosition[] | undefined
}

export type StandardMarginInput = {
  cash?: number | undefined
  collateral?: readonly CollateralLine[] | undefined
  units: readonly StandardUnitInput[]
  params?: Partial<StandardMarginParams> | undefined
}

export type StandardPositionMargin = {
  kind: 'option' | 'perp'
  index: number
  id?: string
  im: number
  mm: number
}
export type StandardUnitMargin = {
  underlying: string
  /** Σ amount·markPrice of options + Σ unrealised P&L of perpetuals. */
  mtm: number
  im: number
  mm: number
  positions: StandardPositionMargin[]
}

/**
 * The fallback margin model for accounts or markets without a vol surface: every position is margined
 * on its own (no netting, no scenario grid), from spot and quoted marks only. Conservative by design:
 * a hedged book pays for both legs. Equity counts options at their marks.
 *
 * Per position, S = spot, n = amount or size:
 *
 *   perpetual        IM = perpIm·|n|·S                       MM = perpMm·|n|·S
 *   long option      IM = MM = 0                             (its mark is in equity)
 *   short call       otm = max(0, K/S − 1)
 *                    IM = max(shortOptionImBase − otm, shortOptionImFloor)·S·|n|
 *                    MM = shortOptionMm·S·|n|
 *   short put        otm = max(0, 1 − K/S), each per-contract figure capped at K (a put cannot lose more)
 *                    IM = min(max(shortOptionImBase − otm, shortOptionImFloor)·S, K)·|n|
 *                    MM = min(shortOptionMm·S, K)·|n|
 *   and IM = max(IM, MM) for every position.
 *
 *   equity = cash + collateral value + Σ options amount·markPrice + Σ perpetual unrealised P&L
 *   IM = Σ IM, MM = Σ MM, surpluses and health as in XPM-1.
 *
 * @example computeStandardMargin({ cash: 10_000, units: [{ underlying: 'ETH', spot: 3500, perps: [{ size: 2, markPrice: 3500, unrealisedPnl: 0 }] }] }).maintenanceMargin // 455
 */
export function computeStandardMargin(input: StandardMarginInput): MarginResult<StandardUnitMargin> {
  const params = { ...DEFAULT_STANDARD_PARAMS, ...input.params }
  const units = input.units.map((unit): StandardUnitMargin => {
    const S = unit.spot
    const positions: StandardPositionMargin[] = []
    let mtm = 0
    for (const [index, perp] of (unit.perps ?? []).entries()) {
      mtm += perp.unrealisedPnl
      const size = Math.abs(perp.size)
      const mm = params.perpMm * size * S
      positions.push(withId({ kind: 'perp', index, im: Math.max(params.perpIm * size * S, mm), mm }, perp.id))
    }
    for (const [index, option] of (unit.options ?? []).entries()) {
      mtm += option.amount * option.markPrice
      if (option.amount >= 0) {
        positions.push(withId({ kind: 'option', index, im: 0, mm: 0 }, option.id))
        continue
      }
      const n = -option.amount
      const K = option.strike
      const otm = option.isCall ? Math.max(0, K / S - 1) : Math.max(0, 1 - K / S)
      const cap = option.isCall ? Number.POSITIVE_INFINITY : K
      const imShare = Math.max(params.shortOptionImBase - otm, params.shortOptionImFloor)
      const mm = Math.min(params.shortOptionMm * S, cap) * n
      const im = Math.max(Math.min(imShare * S, cap) * n, mm)
      positions.push(withId({ kind: 'option', index, im, mm }, option.id))
    }
    let im = 0
    let mm = 0
    for (const position of positions) {
      im += position.im
      mm += position.mm
    }
    return { underlying: unit.underlying, mtm, im, mm, positions }
  })
  return assembleMargin(input.cash ?? 0, collateralValue(input.collateral), units)
}

function withId(position: StandardPositionMargin, id: string | undefined): StandardPositionMargin {
  return id === undefined ? position : { ...position, id }
}
