import { PermanentError, RetryableError } from '@xmargin/errors'

/*
 * The chain package's errors, split like the rest of xmargin by what the caller should do.
 * Messages name endpoints only by their redacted URL (`redactUrl`): an RPC key never reaches a log.
 */

/** Every endpoint of a chain failed (refused, timed out, 5xx, 429) for every attempt: try again later. */
export class RpcUnavailableError extends RetryableError {
  override name = 'RpcUnavailableError' as const
}

/**
 * The node refused a query as too large (too many logs, block range too wide, response too big). The same
 * request will fail again: the caller must split it (the event cursor halves its range).
 */
export class QueryTooLargeError extends PermanentError {
  override name = 'QueryTooLargeError' as const
}

/** The node does not know a block we asked for (it lags, or the block was reorged away). */
export class BlockNotFoundError extends RetryableError {
  override name = 'BlockNotFoundError' as const
}

/**
 * A reorg reached below the oldest block the cursor remembers. Rewinding is impossible without a deeper
 * ring buffer; raise `ringSize` or `confirmations`, or restart from a snapshot.
 */
export class ReorgTooDeepError extends PermanentError {
  override name = 'ReorgTooDeepError' as const
}

/** A view the snapshot needs reverted or returned something it cannot decode. */
export class SnapshotReadError extends PermanentError {
  override name = 'SnapshotReadError' as const
}

/** The persisted cursor is unreadable or belongs to another chain. */
export class CursorStoreError extends PermanentError {
  override name = 'CursorStoreError' as const
}

/** The deployment lacks a contract or token this package needs on a chain. */
export class DeploymentMismatchError extends PermanentError {
  override name = 'DeploymentMismatchError' as const
}
