import type { MarginResult, UnitMargin, Xpm1Params } from '@xmargin/margin'
import type { AccountHealthView, AttestationRef, ChainView, MarginSummary, UnitDetail } from '@xmargin/sdk'
import { positionId } from '../portfolio/types.js'
import type { AccountRisk } from './createRiskBook.js'
import { instrumentMark } from './instrumentMark.js'

/**
 * The API's health object of one account (`GET /v1/accounts/{account}/health`): figures, band, binding
 * scenario, per-unit detail, per-chain holdings, anchors and the latest attestation per chain.
 */
export function healthView(
  risk: AccountRisk,
  context: {
    paramsHash: `0x${string}`
    resolvedParams: (underlying: string) => Xpm1Params
    attestations: readonly AttestationRef[]
  },
): AccountHealthView {
  const { result } = risk
  const units = unitDetails(result, context.resolvedParams)
  const top = units.reduce<UnitDetail | undefined>(
    (best, unit) => (unit.mm > 0 && (best === undefined || unit.mm > best.mm) ? unit : best),
    undefined,
  )
  const binding = top
    ? { underlying: top.underlying, scenario: top.worstScenario, shock: top.worstShock }
    : null
  return {
    account: risk.account,
    asOf: risk.portfolio.input.asOf,
    computedAtMs: risk.computedAtMs,
    equity: result.equity,
    initialMargin: result.initialMargin,
    maintenanceMargin: result.maintenanceMargin,
    imSurplus: result.imSurplus,
    mmSurplus: result.mmSurplus,
    health: risk.health,
    band: risk.band,
    binding,
    units,
    chains: chainViews(risk),
    anchors: anchorViews(risk),
    anchorsDigest: risk.anchorsDigest,
    paramsHash: context.paramsHash,
    attestations: [...context.attestations].sort((a, b) => a.chainId - b.chainId),
  }
}

/** Per-unit detail with the binding scenario of each unit. */
export function unitDetails(
  result: MarginResult<UnitMargin>,
  resolvedParams: (underlying: string) => Xpm1Params,
): UnitDetail[] {
  return result.units.map((unit) => {
    const shock = resolvedParams(unit.underlying).scenarios[unit.worstScenario]
    return {
      underlying: unit.underlying,
      mtm: unit.mtm,
      worst: unit.worst,
      worstScenario: unit.worstScenario,
      worstShock: shock ? { spotShock: shock.spotShock, vol: shock.vol, dampening: shock.dampening } : null,
      basis: unit.basis,
      loss: unit.loss,
      nakedShortContracts: unit.nakedShortContracts,
      netPerpSize: unit.netPerpSize,
      im: unit.im,
      mm: unit.mm,
    }
  })
}

/** The margin figures of a simulate answer. */
export function marginSummary(
  result: MarginResult<UnitMargin>,
  band: MarginSummary['band'],
  resolvedParams: (underlying: string) => Xpm1Params,
): MarginSummary {
  return {
    equity: result.equity,
    initialMargin: result.initialMargin,
    maintenanceMargin: result.maintenanceMargin,
    imSurplus: result.imSurplus,
    mmSurplus: result.mmSurplus,
    health: Number.isFinite(result.health) ? result.health : null,
    band,
    units: unitDetails(result, resolvedParams),
  }
}

export function anchorViews(risk: AccountRisk): AccountHealthView['anchors'] {
  return risk.portfolio.anchors.map((anchor) => ({
    chainId: anchor.chainId,
    blockNumber: anchor.blockNumber.toString(),
    blockHash: anchor.blockHash,
  }))
}

/** What the account holds on each chain, valued as in its margin. */
export function chainViews(risk: AccountRisk): ChainView[] {
  const { portfolio, market } = risk
  const { input } = portfolio
  return portfolio.chains.map((chain) => {
    const anchor = portfolio.anchors.find((a) => a.chainId === chain.chainId)
    let cash = 0
    const collateral: ChainView['collateral'] = []
    for (const [address, balance] of chain.balances) {
      const asset = market.assets.find(
        (a) => a.chainId === chain.chainId && a.address.toLowerCase() === address.toLowerCase(),
      )
      if (!asset) continue
      const amount = Number(balance) / 10 ** asset.decimals
      if (asset.isSettlement) {
        cash += amount
        continue
      }
      const line = input.collateral?.find((l) => l.asset === asset.symbol && l.chainId === chain.chainId)
      const price = line?.price ?? 0
      const haircut = line?.haircut ?? 1
      const chainPenalty = line?.chainPenalty ?? 0
      collateral.push({
        asset: asset.symbol,
        address: asset.address,
        amount,
        rawAmount: balance.toString(),
        price,
        haircut,
        chainPenalty,
        value: line ? amount * price * (1 - haircut) * (1 - chainPenalty) : 0,
      })
    }
    const positions: ChainView['positions'] = []
    for (const [instrumentId, size] of chain.positions) {
      const id = positionId(chain.chainId, instrumentId)
      const instrument = market.instruments.get(id)
      if (!instrument) continue
      const perp = input.units.flatMap((u) => u.perps ?? []).find((p) => p.id === id)
      positions.push({
        instrumentId,
        kind: instrument.kind,
        underlying: instrument.underlying,
        size: Number(size) / 1e18,
        rawSize: size.toString(),
        mark: instrumentMark(risk, id) ?? 0,
        ...(perp ? { unrealisedPnl: perp.unrealisedPnl } : {}),
        ...(instrument.kind === 'option'
          ? { expiry: instrument.expiry!, strike: instrument.strike!, isCall: instrument.isCall! }
          : {}),
      })
    }
    return {
      chainId: chain.chainId,
      anchor: {
        chainId: chain.chainId,
        blockNumber: (anchor?.blockNumber ?? 0n).toString(),
        blockHash: anchor?.blockHash ?? `0x${'0'.repeat(64)}`,
      },
      cash,
      collateral,
      positions: positions.sort((a, b) => a.instrumentId - b.instrumentId),
    }
  })
}
