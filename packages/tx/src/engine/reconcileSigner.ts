import type { Address, Hex } from 'viem'
import { getTransaction, getTransactionCount } from 'viem/actions'
import { decidePendingAction, type PendingAction } from '../decidePendingAction.js'
import { SimulationRevertedError } from '../errors.js'
import type { TxAttempt, TxCall, TxRecord } from '../ledger/record.js'
import { redactUrls } from '../redactUrls.js'
import { initialFees, replacementFees } from '../replacementFees.js'
import { simulateTransaction } from '../simulate.js'
import { busyKey, type EngineContext, type SignerSlot } from './context.js'
import { recordMined } from './recordMined.js'
import { CANCEL_GAS, type SendResult, sendRaw, signAndSend } from './sendAttempt.js'

/** What one reconciliation of one signer found and did. */
export type ReconcileReport = {
  signer: Address
  /** The chain's mined nonce count, the node's pending count, and the ledger's next nonce. */
  latest: number
  pending: number
  next: number
  mined: number
  final: number
  dropped: number
  released: number
  rebroadcast: number
  replaced: number
  cancelling: number
  gapsFilled: number
  /** Signed transactions not mined yet, and since when the oldest has been waiting (ms epoch). */
  unmined: number
  oldestUnminedAt: number | undefined
}

/** An unsigned reservation of this very lease older than this is an orphan (its submission died). */
const ORPHAN_AFTER_MS = 30_000
/** Records handled at once (receipt and pool look-ups). */
const CONCURRENCY = 16

/**
 * Brings one signer's ledger in line with the chain; run on lease acquisition (recovery after a crash)
 * and on every monitor tick. Under the signer's lease:
 *
 * 1. Read the signer's nonce counts, `latest` (mined) and `pending` (the node's contiguous pool run),
 *    and raise the ledger's next nonce to `latest` if the chain is ahead (a fresh ledger starts at
 *    `pending`, above what other tools have in the pool).
 * 2. For each record below `latest` (its nonce is used): find which of its signed attempts was mined
 *    (receipts) → mined, or cancelled when the cancellation won; none of them → dropped (the intent may
 *    be sent again). Mined records `finalityDepth` deep → final.
 * 3. For each record at or above `latest`: an unsigned reservation left by an earlier lease holder (or
 *    orphaned) → released. A signed one the node does not have (dropped from the pool, or the process
 *    died between signing and sending) → sent again; one pending longer than `bumpAfterMs` → replaced
 *    at higher fees within the cap; past `cancelAfterMs` → replaced by a 0-value self-transfer. These
 *    actions run one at a time in nonce order, each after a simulation (see `actOnPending`); a call
 *    that now reverts (the effect happened elsewhere) is replaced by a cancellation instead.
 * 4. Every nonce in [latest, next) with no signed transaction below a nonce that has one is a gap
 *    that would block the signer: fill it with a 0-value self-transfer.
 */
export async function reconcileSigner(
  ctx: EngineContext,
  slot: SignerSlot,
): Promise<ReconcileReport | undefined> {
  const lease = slot.lease
  if (!lease) return undefined
  const signer = slot.address
  const [latest, pending] = await Promise.all([
    getTransactionCount(ctx.client, { address: signer, blockTag: 'latest' }),
    getTransactionCount(ctx.client, { address: signer, blockTag: 'pending' }),
  ])
  const next = await ctx.ledger.syncNext(signer, lease, latest, pending)
  if (next === undefined) {
    ctx.dropLease(slot, 'the lease was gone when reconciling')
    return undefined
  }
  const report: ReconcileReport = {
    signer,
    latest,
    pending,
    next,
    mined: 0,
    final: 0,
    dropped: 0,
    released: 0,
    rebroadcast: 0,
    replaced: 0,
    cancelling: 0,
    gapsFilled: 0,
    unmined: 0,
    oldestUnminedAt: undefined,
  }
  const head = await ctx.blockNumber()
  const records = await ctx.ledger.live(signer)
  /** Nonces in [latest, next) that hold a signed transaction, or that a submission is working on. */
  const holding = new Set<number>()

  const reportError = (record: TxRecord, error: unknown) =>
    ctx.emit({
      type: 'error',
      signer,
      nonce: record.nonce,
      intentId: record.intentId || undefined,
      detail: redactUrls(error instanceof Error ? error.message : String(error)),
    })

  // Steps 2 and 3, looking: receipts and pool look-ups for every record at once.
  const actions: PendingWork[] = []
  const work = records.map((record) => async () => {
    const key = busyKey(signer, record.nonce)
    if (ctx.busy.has(key)) {
      holding.add(record.nonce)
      return
    }
    ctx.busy.add(key)
    try {
      const action = await inspectRecord(ctx, slot, record, { latest, pending, head, holding, report })
      if (action) actions.push(action)
    } catch (error) {
      reportError(record, error)
      if (record.attempts.length > 0 && record.nonce >= latest) holding.add(record.nonce)
    } finally {
      ctx.busy.delete(key)
    }
  })
  await runLimited(work, CONCURRENCY)

  // 4. Gaps: a nonce nobody will use, below one that is waiting for it.
  const highest = Math.max(-1, ...holding)
  for (let nonce = latest; nonce < Math.min(next, highest); nonce++) {
    if (holding.has(nonce) || ctx.busy.has(busyKey(signer, nonce))) continue
    if (await fillGap(ctx, slot, nonce)) report.gapsFilled++
  }

  // Step 3, acting: one at a time in nonce order, so that a transaction sent again is simulated on a
  // node that already has every transaction before it.
  for (const action of actions.sort((a, b) => a.record.nonce - b.record.nonce)) {
    const key = busyKey(signer, action.record.nonce)
    if (ctx.busy.has(key) || !slot.lease) continue
    ctx.busy.add(key)
    try {
      await actOnPending(ctx, slot, action, { latest, report })
    } catch (error) {
      reportError(action.record, error)
    } finally {
      ctx.busy.delete(key)
    }
  }
  return report
}

/** A signed, unmined transaction the monitor has to do something about. */
type PendingWork = { record: TxRecord; newest: TxAttempt; action: Exclude<PendingAction, 'wait'> }

/** Records what the chain says about `record`; returns what to do when it is signed and stuck. */
async function inspectRecord(
  ctx: EngineContext,
  slot: SignerSlot,
  record: TxRecord,
  view: { latest: number; pending: number; head: bigint; holding: Set<number>; report: ReconcileReport },
): Promise<PendingWork | undefined> {
  const { latest, pending, head, holding, report } = view
  const { signer, nonce } = record
  const intentId = record.intentId || undefined
  const lease = slot.lease
  if (!lease) return undefined

  // 2. The nonce is used on chain.
  if (nonce < latest) {
    if (record.state === 'mined' || record.state === 'cancelled') {
      if (
        record.minedBlock !== undefined &&
        head - record.minedBlock + 1n >= BigInt(ctx.policy.finalityDepth)
      ) {
        await ctx.ledger.markFinal(signer, nonce)
        report.final++
        ctx.emit({ type: 'final', signer, nonce, hash: record.minedHash, intentId })
      }
      return
    }
    for (const attempt of [...record.attempts].reverse()) {
      const receipt = await ctx.receipt(attempt.hash)
      if (!receipt) continue
      await recordMined(ctx, record, attempt, receipt)
      report.mined++
      return
    }
    const reason = record.attempts.length
      ? `nonce ${nonce} was used by a transaction this record does not hold`
      : `nonce ${nonce} was used on chain before it was signed`
    if ((await ctx.ledger.markDropped(signer, nonce, lease, reason)) === 'dropped') {
      report.dropped++
      ctx.count('dropped')
      ctx.emit({ type: 'dropped', signer, nonce, intentId, detail: reason })
    }
    return
  }

  // A reorg took a mined transaction out: it is pending again.
  if (record.state === 'mined' || record.state === 'cancelled') {
    await ctx.ledger.markUnmined(signer, nonce)
    holding.add(nonce)
    return
  }

  // 3a. Reserved, never signed: nothing with this nonce exists.
  const newest = record.attempts.at(-1)
  if (!newest) {
    const stale = record.fence !== lease.fence || Date.now() - record.createdAt > ORPHAN_AFTER_MS
    if (
      stale &&
      (await ctx.ledger.release(signer, nonce, record.fence, 'abandoned reservation')) === 'released'
    ) {
      report.released++
      ctx.count('released')
      ctx.emit({ type: 'released', signer, nonce, intentId, detail: 'abandoned reservation' })
    } else if (!stale) holding.add(nonce)
    return
  }

  // 3b. Signed, not mined.
  holding.add(nonce)
  report.unmined++
  const since = record.firstBroadcastAt ?? record.createdAt
  if (report.oldestUnminedAt === undefined || since < report.oldestUnminedAt) report.oldestUnminedAt = since
  let nodeKnows: boolean | undefined
  if (nonce >= pending || record.state === 'reserved') {
    nodeKnows = await nodeHas(ctx, newest.hash)
    if (nodeKnows && record.state === 'reserved') {
      // Sent before the sender died, never marked: it is broadcast.
      await ctx.ledger.markBroadcast(signer, nonce)
      ctx.emit({ type: 'broadcast', signer, nonce, hash: newest.hash, intentId, detail: 'found in the pool' })
      return
    }
  }
  const action = decidePendingAction(
    {
      now: Date.now(),
      firstBroadcastAt: record.firstBroadcastAt,
      lastBroadcastAt: record.lastBroadcastAt,
      cancelling: newest.cancel,
      nodeKnows,
    },
    ctx.policy,
  )
  return action === 'wait' ? undefined : { record, newest, action }
}

/**
 * Re-sends, bumps or cancels one pending transaction. The call is simulated first: before a re-send
 * at `pending` (the node lacks the transaction itself and, acting in nonce order, has all before it);
 * before a bump only for the lowest pending nonce and at `latest` (the pool, hence `pending`, contains
 * the transaction itself, and a higher nonce may depend on the ones before it). A call that now
 * reverts (its effect happened elsewhere) is cancelled instead.
 */
async function actOnPending(
  ctx: EngineContext,
  slot: SignerSlot,
  work: PendingWork,
  view: { latest: number; report: ReconcileReport },
): Promise<void> {
  const { record, newest, action } = work
  const { latest, report } = view
  const { signer, nonce } = record
  const intentId = record.intentId || undefined

  let cancel = action === 'cancel'
  let why = action === 'cancel' ? `pending longer than ${ctx.policy.cancelAfterMs} ms` : ''
  const blockTag = action === 'rebroadcast' ? 'pending' : nonce === latest ? 'latest' : undefined
  if (!cancel && !newest.cancel && record.kind === 'call' && blockTag) {
    try {
      const { to, data, value, gas, errors } = record.call
      await simulateTransaction(ctx.client, { from: signer, to, data, value, gas, abi: errors, blockTag })
    } catch (error) {
      if (!(error instanceof SimulationRevertedError)) throw error
      ctx.count('simulationReverts')
      cancel = true
      why = `its call now reverts: ${error.shortMessage}`
    }
  }

  if (!cancel && action === 'rebroadcast') {
    const send = await sendRaw(ctx, newest.raw)
    if (await afterSend(ctx, record, send)) {
      report.rebroadcast++
      ctx.count('rebroadcast')
      ctx.emit({ type: 'rebroadcast', signer, nonce, hash: newest.hash, intentId })
      return
    }
    if (send.kind !== 'feeTooLow') return
    // The base fee rose above it: fall through to a replacement at current fees.
  }

  const estimate = await ctx.fees({ fresh: true })
  const fees = replacementFees(newest, estimate, ctx.policy)
  if (!fees) {
    // At the cap: no acceptable replacement. Keep the current one in the pool.
    await afterSend(ctx, record, await sendRaw(ctx, newest.raw))
    return
  }
  const sent = await signAndSend(ctx, slot, record, { fees, cancel: cancel || newest.cancel })
  if (sent.kind !== 'sent') return
  if (!(await afterSend(ctx, record, sent.send))) {
    ctx.emit({
      type: 'sendFailed',
      signer,
      nonce,
      hash: sent.attempt.hash,
      intentId,
      detail: sent.send.kind === 'accepted' ? undefined : sent.send.message,
    })
    return
  }
  const detail = `maxFeePerGas ${newest.maxFeePerGas} → ${fees.maxFeePerGas}, tip ${newest.maxPriorityFeePerGas} → ${fees.maxPriorityFeePerGas}`
  if (cancel && !newest.cancel) {
    report.cancelling++
    ctx.emit({
      type: 'cancelling',
      signer,
      nonce,
      hash: sent.attempt.hash,
      intentId,
      detail: `${why}; ${detail}`,
    })
  } else {
    report.replaced++
    ctx.count('replaced')
    ctx.emit({ type: 'replaced', signer, nonce, hash: sent.attempt.hash, intentId, detail })
  }
}

/** Marks the record broadcast when the node took the bytes; true when it did. */
async function afterSend(ctx: EngineContext, record: TxRecord, send: SendResult): Promise<boolean> {
  if (send.kind !== 'accepted' && send.kind !== 'known') return false
  await ctx.ledger.markBroadcast(record.signer, record.nonce)
  return true
}

/** Fills `nonce` with a 0-value self-transfer; true when the node accepted it. */
async function fillGap(ctx: EngineContext, slot: SignerSlot, nonce: number): Promise<boolean> {
  const lease = slot.lease
  if (!lease) return false
  const call: TxCall = { to: slot.address, data: '0x', value: 0n, gas: CANCEL_GAS }
  const reserved = await ctx.ledger.reserve(slot.address, lease, { intentId: '', kind: 'fill', call, nonce })
  if (reserved.status !== 'reserved') return false
  const key = busyKey(slot.address, nonce)
  ctx.busy.add(key)
  try {
    const fees = initialFees(await ctx.fees(), ctx.policy)
    const sent = await signAndSend(ctx, slot, { nonce, call, attempts: [] }, { fees, cancel: false })
    if (sent.kind === 'leaseLost') {
      await ctx.ledger.release(slot.address, nonce, reserved.fence, 'lease lost before signing a gap fill')
      return false
    }
    if (sent.kind !== 'sent') return false
    const accepted = sent.send.kind === 'accepted' || sent.send.kind === 'known'
    if (accepted) {
      await ctx.ledger.markBroadcast(slot.address, nonce)
      ctx.count('nonceGaps')
      ctx.emit({
        type: 'gapFilled',
        signer: slot.address,
        nonce,
        hash: sent.attempt.hash,
        fence: reserved.fence,
      })
    } else if (sent.send.kind === 'insufficientFunds' || sent.send.kind === 'rejected') {
      await ctx.ledger.release(
        slot.address,
        nonce,
        reserved.fence,
        `gap fill refused: ${sent.send.message}`,
        true,
      )
    }
    return accepted
  } finally {
    ctx.busy.delete(key)
  }
}

/** Whether the node knows the transaction (in its pool or mined). */
async function nodeHas(ctx: EngineContext, hash: Hex): Promise<boolean> {
  try {
    await getTransaction(ctx.client, { hash })
    return true
  } catch (error) {
    if (error instanceof Error && error.name === 'TransactionNotFoundError') return false
    throw error
  }
}

async function runLimited(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let index = 0
  const lanes = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (index < tasks.length) await tasks[index++]!()
  })
  await Promise.all(lanes)
}
