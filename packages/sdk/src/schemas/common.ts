import { z } from 'zod'

// Building blocks of the relay API. Amounts in USD are JSON numbers (floats, as the margin engine
// computes them); on-chain integers (block numbers, wad sizes, token units, sequences) travel as
// canonical decimal strings so no client loses precision.

/** An EVM address (any case on input; the relay answers checksummed). */
export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: 'expected a 0x-prefixed 20-byte hex address' })

/** 32 bytes of hex (digests, block hashes). */
export const bytes32Schema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, { error: 'expected 0x-prefixed 32 bytes of hex' })

/** Arbitrary hex bytes. */
export const hexSchema = z
  .string()
  .regex(/^0x(?:[0-9a-fA-F]{2})*$/, { error: 'expected 0x-prefixed hex bytes' })

/** A non-negative integer as a canonical decimal string. */
export const uintStringSchema = z
  .string()
  .regex(/^(0|[1-9]\d*)$/, { error: 'expected a non-negative integer as a decimal string' })

/** A signed integer as a canonical decimal string. */
export const intStringSchema = z
  .string()
  .regex(/^(0|-?[1-9]\d*)$/, { error: 'expected an integer as a decimal string' })

/** An EVM chain id. */
export const chainIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** USD amount (float). */
export const usdSchema = z.number()

/** The block a figure was computed from on one chain. */
export const anchorSchema = z.strictObject({
  chainId: chainIdSchema,
  blockNumber: uintStringSchema,
  blockHash: bytes32Schema,
})

/**
 * Health bands by `health = equity / maintenanceMargin`: `healthy` ≥ 1.5 > `warning` ≥ 1.2 > `danger` ≥ 1 >
 * `liquidatable` (the thresholds are relay settings; these are the defaults).
 */
export const bandSchema = z.enum(['healthy', 'warning', 'danger', 'liquidatable'])

/** Every error answer: a machine-readable code, a message, and the field at fault when there is one. */
export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    /** e.g. `invalidRequest`, `notFound`, `insufficientMargin`, `requestIdConflict`, `permitRefused`, `quorumUnavailable`. */
    code: z.string(),
    message: z.string(),
    /** Where the fault is, e.g. `body.amount`, `params.account`. */
    field: z.string().optional(),
    /** Machine-readable figures (e.g. the margin figures of a refusal). */
    details: z.record(z.string(), z.unknown()).optional(),
  }),
})

export type Address = `0x${string}`
export type Anchor = z.infer<typeof anchorSchema>
export type Band = z.infer<typeof bandSchema>
export type ErrorBody = z.infer<typeof errorBodySchema>
