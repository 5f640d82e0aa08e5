/** What the monitor does with a signed, not yet mined transaction. */
export type PendingAction =
  /** Leave it: it is in the node's pool and not overdue. */
  | 'wait'
  /** Send the same signed bytes again: the node does not have them (dropped, or never reached it). */
  | 'rebroadcast'
  /** Replace it with the same call at higher fees: pending longer than `bumpAfterMs`. */
  | 'bump'
  /** Replace it with a 0-value self-transfer at the same nonce: past `cancelAfterMs`. */
  | 'cancel'

export type PendingView = {
  now: number
  /** When the node first accepted it; undefined when no acceptance was recorded (crash after signing). */
  firstBroadcastAt: number | undefined
  /** When it (or its latest replacement) was last sent. */
  lastBroadcastAt: number | undefined
  /** The latest attempt is already a cancellation. */
  cancelling: boolean
  /** Whether the node knows the latest attempt's hash; undefined when not checked. */
  nodeKnows: boolean | undefined
}

/**
 * The monitor's decision for one pending transaction, in order: past the deadline → cancel (once);
 * stuck past `bumpAfterMs` since the last send → bump; unknown to the node → re-broadcast; else wait.
 * The caller simulates before acting and turns a bump or re-broadcast whose call now reverts into a
 * cancel.
 *
 * @example decidePendingAction({ now, firstBroadcastAt: now - 200_000, ... }, policy) // 'cancel'
 */
export function decidePendingAction(
  view: PendingView,
  policy: { bumpAfterMs: number; cancelAfterMs: number },
): PendingAction {
  const { now, firstBroadcastAt, lastBroadcastAt, cancelling, nodeKnows } = view
  if (!cancelling && firstBroadcastAt !== undefined && now - firstBroadcastAt >= policy.cancelAfterMs)
    return 'cancel'
  if (lastBroadcastAt !== undefined && now - lastBroadcastAt >= policy.bumpAfterMs) return 'bump'
  if (nodeKnows === false || lastBroadcastAt === undefined) return 'rebroadcast'
  return 'wait'
}
