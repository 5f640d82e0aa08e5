import { z } from 'zod'
import {
  addressSchema,
  anchorSchema,
  bandSchema,
  bytes32Schema,
  chainIdSchema,
  intStringSchema,
  uintStringSchema,
  usdSchema,
} from './common.js'

/** One XPM-1 scenario: spot shock, vol state, dampening. */
export const scenarioSchema = z.strictObject({
  spotShock: z.number(),
  vol: z.enum(['up', 'none', 'down']),
  dampening: z.number(),
})

/** One risk unit (underlying) of the account: its MtM, worst scenario and requirements (USD). */
export const unitDetailSchema = z.strictObject({
  underlying: z.string(),
  mtm: usdSchema,
  /** The lowest scenario P&L. */
  worst: usdSchema,
  /** Index of the binding (worst) scenario in the parameter set's `scenarios`. */
  worstScenario: z.number().int(),
  worstShock: scenarioSchema.nullable(),
  /** Basis contingency (≤ 0). */
  basis: usdSchema,
  /** L = min(basis, worst). */
  loss: usdSchema,
  nakedShortContracts: z.number(),
  netPerpSize: z.number(),
  im: usdSchema,
  mm: usdSchema,
})

/** A collateral line on one chain. */
export const collateralViewSchema = z.strictObject({
  /** Token symbol. */
  asset: z.string(),
  address: addressSchema,
  /** Whole tokens. */
  amount: z.number(),
  /** Token units (the vault's integer balance). */
  rawAmount: intStringSchema,
  /** USD per token. */
  price: z.number(),
  haircut: z.number(),
  chainPenalty: z.number(),
  /** amount·price·(1 − haircut)·(1 − chainPenalty). */
  value: usdSchema,
})

/** A position on one chain. */
export const positionViewSchema = z.strictObject({
  instrumentId: z.number().int(),
  kind: z.enum(['perp', 'option']),
  underlying: z.string(),
  /** Signed size in units of the underlying (contracts for options). */
  size: z.number(),
  /** Signed size in wad, as the PositionBook stores it. */
  rawSize: intStringSchema,
  /** Mark (USD): the perp's mark price, or the option's Black-76 premium. */
  mark: z.number(),
  /** Unrealised P&L of a perp (funding included), USD. */
  unrealisedPnl: z.number().optional(),
  expiry: z.number().int().optional(),
  strike: z.number().optional(),
  isCall: z.boolean().optional(),
})

/** What the account holds on one chain, as of that chain's anchor. */
export const chainViewSchema = z.strictObject({
  chainId: chainIdSchema,
  anchor: anchorSchema,
  /** Settlement-asset balance on this chain (USD; may be negative). */
  cash: usdSchema,
  collateral: z.array(collateralViewSchema),
  positions: z.array(positionViewSchema),
})

/** The newest attestation the relay queued for the account on one chain. */
export const attestationRefSchema = z.strictObject({
  chainId: chainIdSchema,
  sequence: uintStringSchema,
  digest: bytes32Schema,
  /** `postAttestation` (band change, heartbeat) or `liquidate`. */
  kind: z.enum(['postAttestation', 'liquidate']),
  trigger: z.enum(['liquidatable', 'bandChange', 'heartbeat']),
  asOf: z.number().int(),
  expiry: z.number().int(),
  jobId: z.string(),
})

/** The margin figures of one portfolio (USD). `health` is null when maintenance margin is 0. */
export const marginSummarySchema = z.strictObject({
  equity: usdSchema,
  initialMargin: usdSchema,
  maintenanceMargin: usdSchema,
  imSurplus: usdSchema,
  mmSurplus: usdSchema,
  health: z.number().nullable(),
  band: bandSchema,
  units: z.array(unitDetailSchema),
})

/**
 * One account's unified health: the figures, the band, the binding scenario, every chain's holdings and
 * anchors, and the latest attestation per chain. Deterministic from `anchors` and `paramsHash`: anyone can
 * recompute it from `GET /v1/accounts/{account}/portfolio` (`input`) with `xmargin margin`.
 */
export const accountHealthViewSchema = z.strictObject({
  account: addressSchema,
  /** Valuation time (unix seconds). */
  asOf: z.number().int(),
  /** When this node computed it (unix milliseconds). */
  computedAtMs: z.number().int(),
  equity: usdSchema,
  initialMargin: usdSchema,
  maintenanceMargin: usdSchema,
  imSurplus: usdSchema,
  mmSurplus: usdSchema,
  /** equity / maintenanceMargin; null when maintenance margin is 0. */
  health: z.number().nullable(),
  band: bandSchema,
  /** The unit with the largest maintenance margin and its worst scenario; null without positions. */
  binding: z
    .strictObject({ underlying: z.string(), scenario: z.number().int(), shock: scenarioSchema.nullable() })
    .nullable(),
  units: z.array(unitDetailSchema),
  chains: z.array(chainViewSchema),
  anchors: z.array(anchorSchema),
  anchorsDigest: bytes32Schema,
  paramsHash: bytes32Schema,
  attestations: z.array(attestationRefSchema),
})

/** The account's holdings on every chain and the exact XPM-1 input its health was computed from. */
export const portfolioViewSchema = z.strictObject({
  account: addressSchema,
  asOf: z.number().int(),
  anchors: z.array(anchorSchema),
  anchorsDigest: bytes32Schema,
  paramsHash: bytes32Schema,
  chains: z.array(chainViewSchema),
  /** The XPM-1 input (DESIGN §3), ready for `xmargin margin --input`. */
  input: z.record(z.string(), z.unknown()),
})

export type ScenarioView = z.infer<typeof scenarioSchema>
export type UnitDetail = z.infer<typeof unitDetailSchema>
export type CollateralView = z.infer<typeof collateralViewSchema>
export type PositionView = z.infer<typeof positionViewSchema>
export type ChainView = z.infer<typeof chainViewSchema>
export type AttestationRef = z.infer<typeof attestationRefSchema>
export type MarginSummary = z.infer<typeof marginSummarySchema>
export type AccountHealthView = z.infer<typeof accountHealthViewSchema>
export type PortfolioView = z.infer<typeof portfolioViewSchema>

/** Path parameters naming an account. */
export const accountParamsSchema = z.strictObject({ account: addressSchema })
