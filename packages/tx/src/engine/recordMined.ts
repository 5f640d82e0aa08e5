import type { TransactionReceipt } from 'viem'
import type { TxAttempt, TxRecord } from '../ledger/record.js'
import type { EngineContext } from './context.js'

/** Records that `attempt` of `record` was mined (a fact anyone may record) and reports it once. */
export async function recordMined(
  ctx: EngineContext,
  record: Pick<TxRecord, 'signer' | 'nonce' | 'intentId'>,
  attempt: TxAttempt,
  receipt: TransactionReceipt,
): Promise<void> {
  const state = await ctx.ledger.markMined(record.signer, record.nonce, {
    hash: attempt.hash,
    blockNumber: receipt.blockNumber,
    status: receipt.status,
    cancelled: attempt.cancel,
  })
  if (state !== 'mined' && state !== 'cancelled') return
  ctx.count(state === 'cancelled' ? 'cancelled' : 'mined')
  ctx.emit({
    type: state,
    signer: record.signer,
    nonce: record.nonce,
    hash: attempt.hash,
    intentId: record.intentId || undefined,
    detail: `block ${receipt.blockNumber}, ${receipt.status}`,
  })
}
