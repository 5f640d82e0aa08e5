import { PermitAction } from '@xmargin/attestation'
import { computeMargin, type MarginParamsInput } from '@xmargin/margin'
import type { PermitRequest } from '@xmargin/sdk'
import { type Hex, padHex, toHex } from 'viem'
import { positionId } from '../portfolio/types.js'
import { applyApiChanges, findAsset } from '../risk/applyApiChanges.js'
import type { AccountRisk } from '../risk/createRiskBook.js'
import { parseAmount } from './parseAmount.js'

/** What a permit would allow and what it costs in IM headroom. */
export type PermitEvaluation = {
  action: PermitAction
  /** Withdraw: the asset as bytes32; IncreaseRisk: the instrument id as bytes32. */
  target: Hex
  /** Withdraw: token units; IncreaseRisk: absolute size (wad). */
  limit: bigint
  /** imSurplus of the portfolio now (USD). */
  freeMarginUsd: number
  /** imSurplus after the largest change the permit allows (USD). */
  imSurplusAfter: number
  /** freeMarginUsd − imSurplusAfter, at least 0. */
  costUsd: number
}

/** Why a permit cannot be evaluated; `field` names the request field at fault. */
export type PermitRefusal = {
  status: 404 | 422
  code: 'unknownAccount' | 'unknownChain' | 'invalidChange' | 'insufficientBalance' | 'invalidAmount'
  field: string
  message: string
}

/**
 * The what-if of a permit request on the account's current portfolio: a withdrawal of `amount` of the
 * asset, or, for a risk increase of up to `amount` in an instrument, the worst position the permit lets the
 * account reach (the PositionBook counts a risk increase as growth of |size| on one side or a flip to the
 * other). Without a side that is the worse of the two extremes (from size p ≥ 0, anywhere in
 * [−amount, p + amount]); with `side: 'long'` the permit is IncreaseLong and the extreme is
 * max(p, 0) + amount; with `side: 'short'` it is IncreaseShort and min(p, 0) − amount.
 *
 *   cost = max(0, imSurplus_now − imSurplus_after)   (USD of IM headroom the permit may consume)
 *
 * @example const evaluation = evaluatePermit(risk, request, params)
 */
export function evaluatePermit(
  risk: AccountRisk,
  request: PermitRequest,
  params: MarginParamsInput | undefined,
): PermitEvaluation | PermitRefusal {
  const { portfolio, market } = risk
  if (!portfolio.chains.some((chain) => chain.chainId === request.chainId))
    return {
      status: 422,
      code: 'unknownChain',
      field: 'body.chainId',
      message: `chain ${request.chainId} is not served`,
    }
  const before = computeMargin({ ...portfolio.input, params })
  const afterOf = (changes: Parameters<typeof applyApiChanges>[2]): number | PermitRefusal => {
    const applied = applyApiChanges(portfolio, market, changes, 'body')
    if ('refusal' in applied) {
      const field = applied.refusal.field.replace(/^body\[0\]\./, 'body.').replace(/\.size$/, '.amount')
      return { status: 422, code: applied.refusal.code, field, message: applied.refusal.message }
    }
    return computeMargin({ ...applied.input, params }).imSurplus
  }

  if (request.action === 'withdraw') {
    const asset = findAsset(market, request.chainId, request.asset!)
    if (!asset)
      return {
        status: 422,
        code: 'invalidChange',
        field: 'body.asset',
        message: `no asset ${request.asset} on chain ${request.chainId}`,
      }
    const limit = parseAmount(request.amount, asset.decimals)
    if (limit === undefined || limit === 0n)
      return {
        status: 422,
        code: 'invalidAmount',
        field: 'body.amount',
        message: `${asset.symbol} has ${asset.decimals} decimals`,
      }
    const after = afterOf([
      { kind: 'withdraw', chainId: request.chainId, asset: asset.address, amount: Number(request.amount) },
    ])
    if (typeof after !== 'number') return after
    return {
      action: PermitAction.Withdraw,
      target: padHex(asset.address.toLowerCase() as Hex, { size: 32 }),
      limit,
      freeMarginUsd: before.imSurplus,
      imSurplusAfter: after,
      costUsd: Math.max(0, before.imSurplus - after),
    }
  }

  const instrumentId = request.instrumentId!
  if (!market.instruments.has(positionId(request.chainId, instrumentId)))
    return {
      status: 422,
      code: 'invalidChange',
      field: 'body.instrumentId',
      message: `no instrument ${instrumentId} on chain ${request.chainId}`,
    }
  const limit = parseAmount(request.amount, 18)
  if (limit === undefined || limit === 0n)
    return { status: 422, code: 'invalidAmount', field: 'body.amount', message: 'at most 18 decimals' }
  const held =
    portfolio.chains.find((chain) => chain.chainId === request.chainId)?.positions.get(instrumentId) ?? 0n
  const size = Number(held) / 1e18
  const amount = Number(request.amount)
  // The extremes the permit reaches, as trades: one side, or both ends of [−amount, p + amount]
  // (of [p − amount, amount] for a short p) without a side.
  const deltas =
    request.side === 'long'
      ? [Math.max(size, 0) + amount - size]
      : request.side === 'short'
        ? [Math.min(size, 0) - amount - size]
        : size >= 0
          ? [amount, -(size + amount)]
          : [-amount, -size + amount]
  let worst = Number.POSITIVE_INFINITY
  for (const delta of deltas) {
    const after = afterOf([{ kind: 'trade', chainId: request.chainId, instrumentId, size: delta }])
    if (typeof after !== 'number') return after
    worst = Math.min(worst, after)
  }
  return {
    action:
      request.side === 'long'
        ? PermitAction.IncreaseLong
        : request.side === 'short'
          ? PermitAction.IncreaseShort
          : PermitAction.IncreaseRisk,
    target: padHex(toHex(instrumentId), { size: 32 }),
    limit,
    freeMarginUsd: before.imSurplus,
    imSurplusAfter: worst,
    costUsd: Math.max(0, before.imSurplus - worst),
  }
}
