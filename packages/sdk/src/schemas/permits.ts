import { z } from 'zod'
import { addressSchema, bytes32Schema, chainIdSchema, hexSchema, uintStringSchema } from './common.js'

/** A positive decimal amount in whole units (`"1.5"` WETH, `"2"` ETH of perpetual size), up to 18 decimals. */
export const decimalAmountSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,35})(\.\d{1,18})?$/, { error: 'expected a decimal amount such as "1.5"' })
  .refine((text) => /[1-9]/.test(text), { error: 'must be greater than 0' })

/** A client's idempotency key: the same `requestId` returns the same permit (or its refusal figures). */
export const requestIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'expected 1–64 characters of letters, digits, ".", "_", "-"' })

/**
 * Ask for a margin permit: a withdrawal of `amount` of `asset` on `chainId`, or a risk increase of up to
 * `amount` (absolute size) in `instrumentId` on `chainId`.
 */
export const permitRequestSchema = z
  .strictObject({
    account: addressSchema,
    chainId: chainIdSchema,
    action: z.enum(['withdraw', 'increaseRisk']),
    /** withdraw: token symbol or address. */
    asset: z.string().min(1).max(64).optional(),
    /** increaseRisk: the PositionBook instrument. */
    instrumentId: z.number().int().positive().max(0xffffffff).optional(),
    /** withdraw: whole tokens; increaseRisk: largest absolute size increase, units of the underlying. */
    amount: decimalAmountSchema,
    /**
     * increaseRisk only: the side the position ends on. A permit with a side is priced for that side only
     * (one leg of a hedge); without one it must allow either and is priced for the worse.
     */
    side: z.enum(['long', 'short']).optional(),
    requestId: requestIdSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.action === 'withdraw' && body.asset === undefined)
      ctx.addIssue({ code: 'custom', path: ['asset'], message: 'required when action is withdraw' })
    if (body.action === 'withdraw' && body.instrumentId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['instrumentId'], message: 'only for action increaseRisk' })
    if (body.action === 'increaseRisk' && body.instrumentId === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['instrumentId'],
        message: 'required when action is increaseRisk',
      })
    if (body.action === 'increaseRisk' && body.asset !== undefined)
      ctx.addIssue({ code: 'custom', path: ['asset'], message: 'only for action withdraw' })
    if (body.action === 'withdraw' && body.side !== undefined)
      ctx.addIssue({ code: 'custom', path: ['side'], message: 'only for action increaseRisk' })
  })

/** The signed EIP-712 `MarginPermit`, integers as decimal strings. */
export const marginPermitViewSchema = z.strictObject({
  account: addressSchema,
  chainId: uintStringSchema,
  /** 0 withdraw, 1 increase risk. */
  action: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  target: bytes32Schema,
  limit: uintStringSchema,
  nonce: uintStringSchema,
  epoch: uintStringSchema,
  expiry: uintStringSchema,
})

export const domainViewSchema = z.strictObject({
  name: z.literal('xmargin'),
  version: z.literal('1'),
  chainId: chainIdSchema,
  verifyingContract: addressSchema,
})

/** The margin headroom held for a permit until it is used on chain or expires. */
export const reservationViewSchema = z.strictObject({
  /** IM headroom the permit may consume (USD): imSurplus before − after. */
  costUsd: z.number(),
  /** imSurplus of the portfolio when reserved (USD). */
  freeMarginUsd: z.number(),
  /** Σ of the account's outstanding reservations including this one (USD). */
  outstandingUsd: z.number(),
  /** When the reservation lapses (unix ms): the permit's expiry plus a settlement grace. */
  releaseAtMs: z.number().int(),
})

export const permitStatusSchema = z.enum(['reserved', 'signed', 'used', 'expired'])

/** A granted permit: pass `permit` and `signatures` to `CollateralVault.withdraw` or the venue. */
export const permitResponseSchema = z.strictObject({
  requestId: requestIdSchema,
  status: permitStatusSchema,
  permit: marginPermitViewSchema,
  /** Concatenated 65-byte signatures, signers ascending (what RiskGuard takes). */
  signatures: hexSchema,
  signers: z.array(addressSchema),
  digest: bytes32Schema,
  domain: domainViewSchema,
  reservation: reservationViewSchema,
})

/** A permit as stored: before signing (`reserved`), granted, used on chain, or lapsed. */
export const permitRecordSchema = z.strictObject({
  requestId: requestIdSchema,
  status: permitStatusSchema,
  permit: marginPermitViewSchema,
  signatures: hexSchema.nullable(),
  signers: z.array(addressSchema),
  digest: bytes32Schema,
  domain: domainViewSchema,
  reservation: reservationViewSchema,
})

export const permitParamsSchema = z.strictObject({ nonce: uintStringSchema })
export const permitQuerySchema = z.strictObject({ account: addressSchema })

export type PermitRequest = z.infer<typeof permitRequestSchema>
export type MarginPermitView = z.infer<typeof marginPermitViewSchema>
export type PermitResponse = z.infer<typeof permitResponseSchema>
export type PermitRecord = z.infer<typeof permitRecordSchema>
export type ReservationView = z.infer<typeof reservationViewSchema>
