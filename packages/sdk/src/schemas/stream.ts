import { z } from 'zod'
import { addressSchema, bandSchema, bytes32Schema } from './common.js'

/**
 * One Server-Sent Event of `GET /v1/stream/health`: `event: health` on every recomputation that changed
 * the figures, `event: band` when the band changed (carrying `previousBand`). Ids are per relay node;
 * send `Last-Event-ID` to resume from that node's recent history.
 */
export const healthEventSchema = z.strictObject({
  type: z.enum(['health', 'band']),
  account: addressSchema,
  band: bandSchema,
  previousBand: bandSchema.nullable(),
  health: z.number().nullable(),
  equity: z.number(),
  initialMargin: z.number(),
  maintenanceMargin: z.number(),
  mmSurplus: z.number(),
  asOf: z.number().int(),
  anchorsDigest: bytes32Schema,
})

/** `accounts`: comma-separated addresses to follow (default: every account). */
export const streamQuerySchema = z.strictObject({
  accounts: z
    .string()
    .max(43 * 1000)
    .regex(/^0x[0-9a-fA-F]{40}(,0x[0-9a-fA-F]{40})*$/, {
      error: 'expected comma-separated 0x-prefixed addresses',
    })
    .optional(),
})

export type HealthEvent = z.infer<typeof healthEventSchema>
