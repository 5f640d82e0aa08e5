import { z } from 'zod'
import { addressSchema, bandSchema, chainIdSchema } from './common.js'
import { marginSummarySchema } from './health.js'

/** A change to apply to the account's current portfolio in a what-if. */
export const simulateChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** Buy (size > 0) or sell (size < 0) an instrument of the PositionBook on `chainId`. */
    kind: z.literal('trade'),
    chainId: chainIdSchema,
    instrumentId: z.number().int().positive().max(0xffffffff),
    /** Signed size in units of the underlying (contracts for options); not 0. */
    size: z
      .number()
      .finite()
      .refine((size) => size !== 0, { error: 'must not be 0' }),
    /** Execution price (USD per unit); default the mark (equity-neutral). */
    price: z.number().positive().finite().optional(),
  }),
  z.strictObject({
    /** Withdraw collateral (or the settlement asset, i.e. cash) from `chainId`. */
    kind: z.literal('withdraw'),
    chainId: chainIdSchema,
    /** Token symbol (`WETH`) or address. */
    asset: z.string().min(1).max(64),
    /** Whole tokens, > 0. */
    amount: z.number().positive().finite(),
  }),
  z.strictObject({
    /** Deposit collateral (or the settlement asset) on `chainId`. */
    kind: z.literal('deposit'),
    chainId: chainIdSchema,
    asset: z.string().min(1).max(64),
    amount: z.number().positive().finite(),
  }),
])

/**
 * A what-if: either `account` (its current portfolio) with `changes`, or a full XPM-1 `input`
 * (DESIGN §3) evaluated as given.
 */
export const simulateRequestSchema = z
  .strictObject({
    account: addressSchema.optional(),
    /** Applied in order; at most 64. */
    changes: z.array(simulateChangeSchema).max(64).optional(),
    /** A full XPM-1 input (DESIGN §3); validated field by field. */
    input: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.account === undefined && body.input === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['account'],
        message: 'give either account (with changes) or input',
      })
    if (body.account !== undefined && body.input !== undefined)
      ctx.addIssue({ code: 'custom', path: ['input'], message: 'give either account or input, not both' })
    if (body.input !== undefined && body.changes !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['changes'],
        message: 'changes apply to an account, not to an input',
      })
  })

/** The margin before and after the changes, and whether new risk / withdrawals would be allowed. */
export const simulateResponseSchema = z.strictObject({
  account: addressSchema.nullable(),
  before: marginSummarySchema,
  after: marginSummarySchema,
  /** after.imSurplus ≥ 0. */
  allowed: z.boolean(),
  /** after.imSurplus − before.imSurplus (USD). */
  imSurplusChange: z.number(),
  bandChange: z.strictObject({ from: bandSchema, to: bandSchema }).nullable(),
})

export type SimulateChange = z.infer<typeof simulateChangeSchema>
export type SimulateRequest = z.infer<typeof simulateRequestSchema>
export type SimulateResponse = z.infer<typeof simulateResponseSchema>
