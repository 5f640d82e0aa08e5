import { PermanentError, RetryableError } from '@xmargin/errors'
import type { Abi, Address, Hex, TransactionReceipt } from 'viem'
import { getTransactionCount } from 'viem/actions'
import {
  BroadcastUnavailableError,
  InsufficientFundsError,
  IntentBusyError,
  LeaseLostError,
  NoSignerAvailableError,
  SimulationRevertedError,
  TransactionRejectedError,
} from '../errors.js'
import type { TxCall, TxRecord } from '../ledger/record.js'
import { initialFees } from '../replacementFees.js'
import { simulateTransaction } from '../simulate.js'
import { busyKey, type EngineContext, type SignerSlot } from './context.js'
import { recordMined } from './recordMined.js'
import { sendRaw, signAndSend } from './sendAttempt.js'
import { type WaitOptions, waitForRecord } from './waitForRecord.js'

export type SubmitRequest = {
  /**
   * The caller's idempotency key, e.g. the job id `liq-31337-0x…-7`. While a transaction for it is
   * pending or mined successfully, submitting it again (from any process) returns that transaction.
   */
  intentId: string
  to: Address
  data?: Hex | undefined
  value?: bigint | undefined
  /** Gas limit; default `estimateGas` × the policy's `gasLimitMultiplier`. */
  gas?: bigint | undefined
  /** Decodes a revert found by the simulation. */
  abi?: Abi | undefined
  /**
   * The caller simulated exactly this call an instant ago (its own way, e.g. `eth_simulateV1` for the
   * logs) and sized `gas` from it: the engine does not run it a second time. Requires `gas`.
   */
  simulated?: boolean | undefined
}

/** A submitted (accepted by the node) transaction, or the one an earlier submission of the intent sent. */
export type SubmittedTx = {
  chainId: number
  intentId: string
  signer: Address
  nonce: number
  /** The newest attempt's hash when submitted; a replacement may be what gets mined (see `wait`). */
  hash: Hex
  /** True when the intent had already been submitted and this is that transaction. */
  reused: boolean
  /** The receipt of whichever attempt was mined, with `confirmations` (default the policy's). */
  wait(options?: WaitOptions): Promise<TransactionReceipt>
}

const MAX_ROUNDS = 5

/**
 * Submits a call exactly once per intent: returns the intent's existing transaction if there is one;
 * else simulates it (a revert throws `SimulationRevertedError`, no nonce used), reserves a nonce on a
 * leased signer, signs, records and sends. A nonce refused before the node accepted anything is given
 * back. Resolves once the node accepted the transaction (it does not wait for a receipt: pipelining).
 */
export async function submitTransaction(ctx: EngineContext, request: SubmitRequest): Promise<SubmittedTx> {
  const { intentId } = request
  if (!intentId || intentId.length > 256 || /\s/.test(intentId))
    throw new PermanentError(`Invalid intent id ${JSON.stringify(intentId)}: 1 to 256 characters, no spaces`)
  const existing = await adoptExisting(ctx, intentId)
  if (existing) return existing

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const slot = await pickSigner(ctx)
    const data = request.data ?? '0x'
    const value = request.value ?? 0n
    let gas = request.gas
    try {
      // A call the caller simulated itself is not run a second time (one EVM run less under a burst).
      if (!request.simulated) {
        const simulated = await simulateTransaction(ctx.client, {
          from: slot.address,
          to: request.to,
          data,
          value,
          gas,
          abi: request.abi,
          blockTag: 'pending',
        })
        gas ??= ((simulated.gas ?? 0n) * BigInt(Math.round(ctx.policy.gasLimitMultiplier * 1_000))) / 1_000n
      }
    } catch (error) {
      if (error instanceof SimulationRevertedError) {
        ctx.count('simulationReverts')
        ctx.emit({ type: 'simulationReverted', signer: slot.address, intentId, detail: error.shortMessage })
      }
      throw error
    }
    if (gas === undefined)
      throw new PermanentError(`Intent ${intentId}: a call marked simulated needs its gas limit`)
    const errors = request.abi?.filter((item) => item.type === 'error')
    const call: TxCall = { to: request.to, data, value, gas, ...(errors?.length ? { errors } : {}) }

    const lease = slot.lease
    if (!lease) continue
    const reserved = await ctx.ledger.reserve(slot.address, lease, { intentId, kind: 'call', call })
    if (reserved.status === 'exists') {
      const adopted = await adoptExisting(ctx, intentId)
      if (adopted) return adopted
      continue
    }
    if (reserved.status === 'leaseLost') {
      ctx.dropLease(slot, 'the lease was gone when reserving a nonce')
      continue
    }
    if (reserved.status !== 'reserved')
      throw new RetryableError(`Could not reserve a nonce: ${reserved.status}`)

    const { nonce, fence } = reserved
    ctx.emit({ type: 'reserved', signer: slot.address, nonce, intentId, fence })
    const key = busyKey(slot.address, nonce)
    ctx.busy.add(key)
    slot.submitting++
    try {
      const outcome = await sendReserved(ctx, slot, { nonce, fence, call, intentId })
      if (outcome !== 'again') return outcome
    } catch (error) {
      // An error before anything was signed (a fee read that failed): give the nonce back now rather
      // than leave the intent blocked until the monitor finds the orphan. (Refused if it was signed.)
      const reason = `submission failed before signing: ${(error as Error).name}`
      if (
        (await ctx.ledger.release(slot.address, nonce, fence, reason).catch(() => 'refused')) === 'released'
      ) {
        ctx.count('released')
        ctx.emit({ type: 'released', signer: slot.address, nonce, intentId, detail: reason })
      }
      throw error
    } finally {
      ctx.busy.delete(key)
      slot.submitting--
    }
  }
  throw new LeaseLostError(
    `Could not submit ${intentId}: lost the signer's lease or nonce ${MAX_ROUNDS} times`,
  )
}

/** Signs and sends a freshly reserved nonce; 'again' when the round should start over on a new nonce. */
async function sendReserved(
  ctx: EngineContext,
  slot: SignerSlot,
  reserved: { nonce: number; fence: number; call: TxCall; intentId: string },
): Promise<SubmittedTx | 'again'> {
  const { nonce, fence, call, intentId } = reserved
  const signer = slot.address
  const record = { nonce, call, attempts: [] as TxRecord['attempts'] }
  const release = async (reason: string, refusedByNode: boolean) => {
    if ((await ctx.ledger.release(signer, nonce, fence, reason, refusedByNode)) === 'released') {
      ctx.count('released')
      ctx.emit({ type: 'released', signer, nonce, intentId, detail: reason })
    }
  }

  let fees = initialFees(await ctx.fees(), ctx.policy)
  for (let feeTries = 0; ; feeTries++) {
    const sent = await signAndSend(ctx, slot, record, { fees, cancel: false })
    if (sent.kind === 'leaseLost') {
      // Nothing was recorded, so nothing was sent: give the nonce back (safe without the lease).
      if (record.attempts.length === 0) await release('lease lost before signing', false)
      return 'again'
    }
    if (sent.kind === 'conflict')
      throw new RetryableError(`The ledger record changed under us: ${sent.detail}`)
    record.attempts = sent.attempts
    let send = sent.send
    // No clear answer: the node may have it. Send the same bytes again a few times; never a new nonce.
    for (let retry = 1; send.kind === 'unavailable' && retry < ctx.policy.sendRetries; retry++) {
      await new Promise((resolve) => setTimeout(resolve, 200 * retry))
      send = await sendRaw(ctx, sent.attempt.raw)
    }
    const event = { signer, nonce, hash: sent.attempt.hash, intentId, fence }
    switch (send.kind) {
      case 'accepted':
      case 'known':
        await ctx.ledger.markBroadcast(signer, nonce)
        ctx.count('broadcast')
        ctx.emit({ type: 'broadcast', ...event })
        return handle(ctx, { intentId, signer, nonce, hash: sent.attempt.hash, reused: false })
      case 'feeTooLow':
        if (feeTries >= 2) break // leave it to the monitor, which bumps it
        fees = initialFees(await ctx.fees({ fresh: true }), ctx.policy)
        continue
      case 'nonceTooLow': {
        // Used on chain. By this very transaction (a previous send got through)? Else by another one.
        for (const attempt of record.attempts) {
          const receipt = await ctx.receipt(attempt.hash)
          if (receipt) {
            await recordMined(ctx, { signer, nonce, intentId }, attempt, receipt)
            return handle(ctx, { intentId, signer, nonce, hash: attempt.hash, reused: false })
          }
        }
        if (slot.lease)
          await ctx.ledger.markDropped(
            signer,
            nonce,
            slot.lease,
            'nonce too low: used by another transaction',
          )
        ctx.count('dropped')
        ctx.emit({ type: 'dropped', ...event, detail: send.message })
        await resyncNext(ctx, slot)
        return 'again'
      }
      case 'replacementUnderpriced':
        // A transaction we do not know holds this nonce in the node's pool: step over it.
        if (slot.lease)
          await ctx.ledger.markDropped(signer, nonce, slot.lease, 'a foreign transaction holds the nonce')
        ctx.count('dropped')
        ctx.emit({ type: 'dropped', ...event, detail: send.message })
        return 'again'
      case 'insufficientFunds':
        await release('insufficient funds', true)
        throw new InsufficientFundsError(`${signer} cannot pay for ${intentId}`, { details: send.message })
      case 'rejected':
        await release('rejected by the node', true)
        throw new TransactionRejectedError(`The node refused ${intentId}`, { details: send.message })
      case 'unavailable':
        break
    }
    ctx.emit({ type: 'sendFailed', ...event, detail: send.message })
    // Signed and recorded: the monitor re-sends it. A retry of the intent finds it and waits for it.
    throw new BroadcastUnavailableError(`The node gave no clear answer for ${intentId}; it will be re-sent`, {
      details: send.message,
    })
  }
}

/**
 * The intent's transaction when it already has one: pending, or mined successfully. A reservation that
 * was never signed belongs to a submission in flight elsewhere (wait for it) or to a dead one (release
 * it and go ahead).
 */
async function adoptExisting(ctx: EngineContext, intentId: string): Promise<SubmittedTx | undefined> {
  const deadline = Date.now() + ctx.policy.leaseWaitMs
  for (;;) {
    const record = await ctx.ledger.lookupIntent(intentId)
    if (!record) return undefined
    const newest = record.attempts.at(-1)
    if (newest) {
      const hash = record.minedHash ?? newest.hash
      return handle(ctx, { intentId, signer: record.signer, nonce: record.nonce, hash, reused: true })
    }
    // Reserved, never signed. Its reserver holds the lease under the same fence while it is alive.
    if ((await ctx.ledger.leaseFence(record.signer)) !== record.fence) {
      const reason = 'abandoned reservation'
      if ((await ctx.ledger.release(record.signer, record.nonce, record.fence, reason)) === 'released') {
        ctx.count('released')
        ctx.emit({ type: 'released', signer: record.signer, nonce: record.nonce, intentId, detail: reason })
      }
      continue
    }
    if (Date.now() > deadline)
      throw new IntentBusyError(`Intent ${intentId} is being submitted by another process`, {
        details: `${record.signer} nonce ${record.nonce}, reserved under fence ${record.fence}`,
      })
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** next = max(next, chain's nonce count) after the chain turned out to be ahead of the ledger. */
async function resyncNext(ctx: EngineContext, slot: SignerSlot): Promise<void> {
  if (!slot.lease) return
  const [latest, pending] = await Promise.all([
    getTransactionCount(ctx.client, { address: slot.address, blockTag: 'latest' }),
    getTransactionCount(ctx.client, { address: slot.address, blockTag: 'pending' }),
  ])
  await ctx.ledger.syncNext(slot.address, slot.lease, latest, pending)
}

/** A held, reconciled signer, least busy first; waits up to `leaseWaitMs` for one. */
async function pickSigner(ctx: EngineContext): Promise<SignerSlot> {
  const deadline = Date.now() + ctx.policy.leaseWaitMs
  for (;;) {
    if (!ctx.isRunning()) throw new RetryableError('The transaction engine is not running')
    let best: SignerSlot | undefined
    for (const slot of ctx.slots.values()) {
      if (!slot.ready || !ctx.held(slot.address)) continue
      if (!best || slot.submitting < best.submitting) best = slot
    }
    if (best) return best
    if (Date.now() > deadline)
      throw new NoSignerAvailableError(
        `No signer of the pool could be leased within ${ctx.policy.leaseWaitMs} ms`,
        {
          details: 'Other processes hold every signer; add signers to the pool or wait.',
        },
      )
    await ctx.acquireLeases()
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function handle(
  ctx: EngineContext,
  submitted: { intentId: string; signer: Address; nonce: number; hash: Hex; reused: boolean },
): SubmittedTx {
  return {
    chainId: ctx.chainId,
    ...submitted,
    wait: (options) => waitForRecord(ctx, submitted.signer, submitted.nonce, options),
  }
}
