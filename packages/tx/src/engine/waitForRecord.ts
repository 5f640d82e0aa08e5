import type { Address, TransactionReceipt } from 'viem'
import {
  TransactionCancelledError,
  TransactionDroppedError,
  TransactionRevertedError,
  WaitTimeoutError,
} from '../errors.js'
import type { TxRecord } from '../ledger/record.js'
import type { EngineContext } from './context.js'
import { recordMined } from './recordMined.js'

export type WaitOptions = {
  /** Blocks on top of and including the one that mined it; default the policy's `confirmations`. */
  confirmations?: number | undefined
  /** Default the policy's `waitTimeoutMs`. */
  timeoutMs?: number | undefined
}

/**
 * Waits until the nonce's record is mined with `confirmations`, whichever of its attempts (the
 * original or a replacement) made it, and resolves with that receipt. Reads the ledger, and the chain
 * itself when the engine holding the signer may be gone (a crashed keeper): so a retried job that
 * found its intent already sent can wait for it from any process.
 *
 * Throws `TransactionCancelledError` when the cancellation was mined, `TransactionRevertedError` when
 * the call was mined and reverted, `TransactionDroppedError` when the nonce went elsewhere, and
 * `WaitTimeoutError` (the transaction may still land).
 */
export async function waitForRecord(
  ctx: EngineContext,
  signer: Address,
  nonce: number,
  options: WaitOptions = {},
): Promise<TransactionReceipt> {
  const confirmations = options.confirmations ?? ctx.policy.confirmations
  const timeoutMs = options.timeoutMs ?? ctx.policy.waitTimeoutMs
  const deadline = Date.now() + timeoutMs
  const pollMs = ctx.policy.receiptPollMs
  for (;;) {
    const record = await ctx.ledger.get(signer, nonce)
    if (!record) throw new TransactionDroppedError(`No ledger record for ${signer} nonce ${nonce}`)
    const receipt = await settledReceipt(ctx, record)
    const left = deadline - Date.now()
    if (receipt) {
      const needed = receipt.blockNumber + BigInt(confirmations) - 1n
      // The cached head may predate the receipt's block: read it again before sleeping on it.
      let head = await ctx.blockNumber()
      if (head < needed) head = await ctx.blockNumber({ fresh: true })
      if (head >= needed) return receipt
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)))
    } else if (left > 0) {
      // Sleep until the nonce is used on chain (one shared poll for all waiters), or look again in a while.
      await ctx.nonceUsed(signer, nonce, Math.min(left, 20 * pollMs))
    }
    if (Date.now() > deadline)
      throw new WaitTimeoutError(
        `No receipt with ${confirmations} confirmations for ${signer} nonce ${nonce} within ${timeoutMs} ms`,
        {
          details: `state: ${record.state}; hashes: ${record.attempts.map((attempt) => attempt.hash).join(', ')}`,
        },
      )
  }
}

/** The receipt once the record is mined; throws when it settled without the call taking effect. */
async function settledReceipt(ctx: EngineContext, record: TxRecord): Promise<TransactionReceipt | undefined> {
  const where = `${record.signer} nonce ${record.nonce}`
  switch (record.state) {
    case 'cancelled':
      throw new TransactionCancelledError(`The transaction at ${where} was cancelled`, {
        details: `the cancellation ${record.minedHash} was mined instead`,
      })
    case 'dropped':
    case 'released':
      throw new TransactionDroppedError(`The transaction at ${where} did not happen`, {
        details: record.reason,
      })
    case 'mined':
    case 'final': {
      const receipt = record.minedHash ? await ctx.receipt(record.minedHash) : undefined
      if (!receipt) return undefined // reorged out: the monitor puts it back to broadcast
      if (receipt.status === 'reverted')
        throw new TransactionRevertedError(
          `The transaction ${receipt.transactionHash} at ${where} reverted`,
          { receipt },
        )
      return receipt
    }
    case 'reserved':
    case 'broadcast': {
      // Mined yet? Asked when waiting starts and each time the nonce watcher says the nonce is used.
      if (record.attempts.length === 0) return undefined
      for (const attempt of [...record.attempts].reverse()) {
        const receipt = await ctx.receipt(attempt.hash)
        if (!receipt) continue
        await recordMined(ctx, record, attempt, receipt)
        return settledReceipt(ctx, {
          ...record,
          state: attempt.cancel ? 'cancelled' : 'mined',
          minedHash: attempt.hash,
        })
      }
      return undefined
    }
  }
}
