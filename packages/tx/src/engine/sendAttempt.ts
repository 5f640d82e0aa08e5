import { type Address, type Hex, keccak256 } from 'viem'
import { sendRawTransaction } from 'viem/actions'
import { classifySendError, type SendErrorKind } from '../classifySendError.js'
import type { TxAttempt, TxRecord } from '../ledger/record.js'
import { redactUrls } from '../redactUrls.js'
import type { Fees } from '../replacementFees.js'
import type { EngineContext, SignerSlot } from './context.js'

/** The node's answer to one `eth_sendRawTransaction`. */
export type SendResult = { kind: 'accepted' } | { kind: SendErrorKind; message: string }

export const CANCEL_GAS = 21_000n

/** Sends signed bytes; never throws. */
export async function sendRaw(ctx: EngineContext, raw: Hex): Promise<SendResult> {
  try {
    await sendRawTransaction(ctx.client, { serializedTransaction: raw })
    return { kind: 'accepted' }
  } catch (error) {
    return {
      kind: classifySendError(error),
      message: redactUrls(error instanceof Error ? error.message : String(error)),
    }
  }
}

export type SignAndSendResult =
  | { kind: 'sent'; attempt: TxAttempt; attempts: TxAttempt[]; send: SendResult }
  /** The lease lapsed before the attempt was recorded: nothing was sent. */
  | { kind: 'leaseLost' }
  /** Someone else changed the record meanwhile: nothing was sent. */
  | { kind: 'conflict'; detail: string }

/**
 * Signs a new attempt for the record's nonce (its call, or a cancellation), records it under the lease
 * (the fence check: after this, the nonce counts as used), then sends it. Order matters: a signed
 * transaction is in the ledger before it can reach any node, so a crash never leaves an unknown one.
 */
export async function signAndSend(
  ctx: EngineContext,
  slot: SignerSlot,
  record: Pick<TxRecord, 'nonce' | 'call' | 'attempts'>,
  options: { fees: Fees; cancel: boolean },
): Promise<SignAndSendResult> {
  const lease = slot.lease
  if (!lease) return { kind: 'leaseLost' }
  const { fees, cancel } = options
  const tx = cancel
    ? { to: slot.address as Address, data: '0x' as Hex, value: 0n, gas: CANCEL_GAS }
    : record.call
  const raw = await slot.account.signTransaction({
    chainId: ctx.chainId,
    type: 'eip1559',
    nonce: record.nonce,
    to: tx.to,
    data: tx.data,
    value: tx.value,
    gas: tx.gas,
    maxFeePerGas: fees.maxFeePerGas,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
  })
  const attempt: TxAttempt = {
    hash: keccak256(raw),
    raw,
    ...fees,
    cancel,
    fence: lease.fence,
    at: Date.now(),
  }
  const attempts = [...record.attempts, attempt]
  const attached = await ctx.ledger.attach(
    slot.address,
    record.nonce,
    lease,
    record.attempts.length,
    attempts,
  )
  if (attached === 'leaseLost') {
    ctx.dropLease(slot, 'the lease was gone when recording a signed transaction')
    return { kind: 'leaseLost' }
  }
  if (attached !== 'ok') return { kind: 'conflict', detail: attached }
  return { kind: 'sent', attempt, attempts, send: await sendRaw(ctx, raw) }
}
