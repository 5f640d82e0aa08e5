import { paramsHash } from '@xmargin/attestation'
import { type MarginParamsInput, resolveParams } from '@xmargin/margin'
import type { Hex } from 'viem'

/**
 * The parameter-set hash every attestation carries: `paramsHash` of the resolved top-level XPM-1
 * parameters, with `overrides` added only when there are some. Without settings it is
 * `paramsHash(DEFAULT_PARAMS)`, what a deployment sets on RiskGuard by default.
 *
 * @example relayParamsHash(undefined) === paramsHash(DEFAULT_PARAMS) // true
 */
export function relayParamsHash(params: MarginParamsInput | undefined): Hex {
  const resolved = resolveParams(params, '')
  const overrides = params?.overrides
  return paramsHash(overrides && Object.keys(overrides).length > 0 ? { ...resolved, overrides } : resolved)
}
