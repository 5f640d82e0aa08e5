import { PermanentError } from '@xmargin/errors'
import { z } from 'zod'

const ms = (defaultMs: number) => z.number().int().positive().default(defaultMs)

/** How the engine prices, re-prices, cancels and waits. Every field is optional; defaults below. */
export const txPolicySchema = z.strictObject({
  /** Confirmations `wait()` asks for unless told otherwise; default 1. */
  confirmations: z.number().int().min(1).default(1),
  /** Blocks after which a mined transaction is final and leaves the ledger's live set; default 12. */
  finalityDepth: z.number().int().min(1).default(12),
  /** Re-price a transaction still pending this long after its last broadcast; default 15 000 ms. */
  bumpAfterMs: ms(15_000),
  /** Replace a transaction still pending this long after its first broadcast by a cancellation; default 180 000 ms. */
  cancelAfterMs: ms(180_000),
  /** A replacement pays at most this multiple of the current fee estimate (unless the node's +10 % minimum needs more); default 3. */
  feeCapMultiplier: z.number().min(1).max(1_000).default(3),
  /** Hard cap on `maxFeePerGas` and `maxPriorityFeePerGas`, in wei; no transaction ever pays more; default 1 000 gwei. */
  maxFeePerGasCap: z
    .bigint()
    .positive()
    .default(1_000n * 10n ** 9n),
  /** Gas limit = `estimateGas` × this, when the caller gives none; default 1.2. */
  gasLimitMultiplier: z.number().min(1).max(10).default(1.2),
  /** Signer lease time to live, renewed every third of it; a crashed holder's signer is free after this; default 15 000 ms. */
  leaseTtlMs: ms(15_000),
  /** How long `submit` waits for a signer lease before `NoSignerAvailableError`; default 10 000 ms. */
  leaseWaitMs: ms(10_000),
  /** Period of the monitor (chain view, receipts, re-broadcast, bumps, gap fills) and of `wait()` polling; default 1 000 ms. */
  pollIntervalMs: ms(1_000),
  /** How often waiters look for their receipts: one nonce-count read per signer, however many wait; default 200 ms. */
  receiptPollMs: ms(200),
  /** Sends of one signed transaction when the node gives no clear answer, before `submit` gives up; default 3. */
  sendRetries: z.number().int().min(1).max(20).default(3),
  /** `wait()` gives up after this; default 300 000 ms. */
  waitTimeoutMs: ms(300_000),
  /** Ledger records and intents are kept this long after they are final, in seconds; default 7 days. */
  recordTtlS: z
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3_600),
})

export type TxPolicy = z.output<typeof txPolicySchema>
export type TxPolicyInput = z.input<typeof txPolicySchema>

/**
 * The engine's policy with defaults filled in. Throws a `PermanentError` naming the field at fault.
 *
 * @example resolveTxPolicy({ bumpAfterMs: 5_000 }).cancelAfterMs // 180000
 */
export function resolveTxPolicy(input: TxPolicyInput = {}): TxPolicy {
  const result = txPolicySchema.safeParse(input)
  if (!result.success)
    throw new PermanentError('Invalid transaction policy', { details: z.prettifyError(result.error) })
  return result.data
}
