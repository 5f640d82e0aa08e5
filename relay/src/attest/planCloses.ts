import { auctionDiscount, type LiquidationParams, planLiquidation, toWadUp } from '@xmargin/margin'
import { parsePositionId } from '../portfolio/types.js'
import type { AccountRisk } from '../risk/createRiskBook.js'

/** One chain's share of a liquidation plan. */
export type ChainCloses = {
  /** Largest absolute size (wad) the plan allows to close, by instrument id. */
  maxClose: Map<number, bigint>
  /** Instrument and absolute size (wad), ascending instrument ids. */
  closes: { instrumentId: number; size: bigint }[]
}

export type PlannedCloses = {
  byChain: Map<number, ChainCloses>
  /** The auction discount the plan assumed. */
  discount: number
  reachesBuffer: boolean
}

/**
 * The liquidation plan of an account across every chain: one `planLiquidation` over all its positions (the
 * smallest set of closes that restores `equity ≥ (1 + bufferRatio)·MM`), with the auction discount expected
 * when the attestations are included (seconds since the account was first flagged on any chain, or 0, plus
 * the attestation lifetime), split by the chain that holds each position. Each close becomes `maxClose` =
 * |closeSize| rounded up to wad, capped at the position's size on chain.
 *
 * @example const { byChain } = planCloses(risk, { secondsSinceFlagged: 0, lifetimeS: 120, liquidation, params })
 */
export function planCloses(
  risk: AccountRisk,
  options: {
    secondsSinceFlagged: number
    lifetimeS: number
    liquidation: Pick<LiquidationParams, 'bufferRatio' | 'startDiscount' | 'maxDiscount' | 'auctionDurationS'>
    params: AccountRisk['portfolio']['input']['params']
  },
): PlannedCloses {
  const discount = auctionDiscount(
    Math.max(0, options.secondsSinceFlagged) + options.lifetimeS,
    options.liquidation,
  )
  const plan = planLiquidation(
    { ...risk.portfolio.input, params: options.params },
    { discount, bufferRatio: options.liquidation.bufferRatio },
  )
  const byChain = new Map<number, ChainCloses>()
  for (const close of plan.closes) {
    const ref = parsePositionId(close.id)
    if (!ref) continue
    const size =
      risk.portfolio.chains.find((chain) => chain.chainId === ref.chainId)?.positions.get(ref.instrumentId) ??
      0n
    const cap = size < 0n ? -size : size
    const wanted = toWadUp(Math.abs(close.closeSize))
    const limit = wanted > cap ? cap : wanted
    if (limit === 0n) continue
    const chain = byChain.get(ref.chainId) ?? { maxClose: new Map(), closes: [] }
    chain.maxClose.set(ref.instrumentId, (chain.maxClose.get(ref.instrumentId) ?? 0n) + limit)
    byChain.set(ref.chainId, chain)
  }
  for (const chain of byChain.values())
    chain.closes = [...chain.maxClose.entries()]
      .sort(([a], [b]) => a - b)
      .map(([instrumentId, size]) => ({ instrumentId, size }))
  return { byChain, discount, reachesBuffer: plan.reachesBuffer }
}
