import { computeMargin, MarginInputError, type MarginParamsInput, marginInputSchema } from '@xmargin/margin'
import type { SimulateRequest } from '@xmargin/sdk'
import { getAddress } from 'viem'
import type { SimulateOutcome } from '../api/createApi.js'
import { applyApiChanges } from './applyApiChanges.js'
import type { RiskBook } from './createRiskBook.js'
import { type BandThresholds, healthBand } from './healthBand.js'
import { marginSummary } from './healthView.js'

/**
 * `POST /v1/simulate`: the margin of an account's current portfolio before and after `changes`, or of a
 * full XPM-1 `input` as given (validated field by field: `body.input.units[0].spot`).
 *
 * @example simulate({ account, changes: [{ kind: 'withdraw', chainId: 31337, asset: 'WETH', amount: 1 }] }, context)
 */
export function simulate(
  body: SimulateRequest,
  context: { book: RiskBook; bands: BandThresholds; params: MarginParamsInput | undefined },
): SimulateOutcome {
  const { book, bands, params } = context
  let beforeInput: Parameters<typeof computeMargin>[0]
  let afterInput: Parameters<typeof computeMargin>[0]
  let account: `0x${string}` | null = null
  if (body.account !== undefined) {
    account = getAddress(body.account)
    const risk = book.get(account)
    if (!risk)
      return {
        ok: false,
        status: 404,
        code: 'unknownAccount',
        message: `no account ${account}`,
        field: 'body.account',
      }
    const applied = applyApiChanges(risk.portfolio, risk.market, body.changes ?? [], 'body.changes')
    if ('refusal' in applied) return { ok: false, status: 422, ...applied.refusal }
    beforeInput = { ...risk.portfolio.input, params }
    afterInput = { ...applied.input, params }
  } else {
    const parsed = marginInputSchema.safeParse(body.input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : []
      const path = [...issue.path, ...keys.slice(0, 1)]
        .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
        .join('')
      const field = `body.input${path}`
      return {
        ok: false,
        status: 400,
        code: 'invalidRequest',
        message: `${field}: ${keys.length ? 'unknown field' : issue.message}`,
        field,
      }
    }
    beforeInput = { ...parsed.data, params: parsed.data.params ?? params }
    afterInput = beforeInput
  }
  try {
    const before = computeMargin(beforeInput)
    const after = afterInput === beforeInput ? before : computeMargin(afterInput)
    const bandBefore = healthBand(before, bands)
    const bandAfter = healthBand(after, bands)
    const resolved = (underlying: string) => book.resolvedParams(underlying)
    return {
      ok: true,
      body: {
        account,
        before: marginSummary(before, bandBefore, resolved),
        after: marginSummary(after, bandAfter, resolved),
        allowed: after.imSurplus >= 0,
        imSurplusChange: after.imSurplus - before.imSurplus,
        bandChange: bandBefore === bandAfter ? null : { from: bandBefore, to: bandAfter },
      },
    }
  } catch (error) {
    if (error instanceof MarginInputError)
      return {
        ok: false,
        status: 422,
        code: 'invalidInput',
        message: error.shortMessage,
        field: body.input ? 'body.input' : 'body.changes',
      }
    throw error
  }
}
