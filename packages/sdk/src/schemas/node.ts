import { z } from 'zod'
import { addressSchema, chainIdSchema } from './common.js'

/**
 * `GET /readyz`: 200 `ready` (caught up, more than the threshold of signer nodes alive), 206 `degraded`
 * (a chain lagging, or exactly the threshold alive: one more loss stops attestations), 503 `notReady`
 * (fewer than the threshold alive, Redis or chains unreachable, starting or stopping).
 */
export const readinessSchema = z.strictObject({
  status: z.enum(['ready', 'degraded', 'notReady']),
  node: z.strictObject({ id: z.string(), signer: addressSchema, leader: z.boolean() }),
  signers: z.strictObject({
    alive: z.number().int(),
    threshold: z.number().int(),
    total: z.number().int(),
    epoch: z.string(),
  }),
  chains: z.array(
    z.strictObject({
      chainId: chainIdSchema,
      blockNumber: z.string().nullable(),
      lagBlocks: z.number().int().nullable(),
    }),
  ),
  /** Why the node is not `ready`. */
  reasons: z.array(z.string()),
})

export const livenessSchema = z.strictObject({ status: z.literal('ok'), node: z.string() })

export type Readiness = z.infer<typeof readinessSchema>
