import type { Abi, Address, Hex } from 'viem'

/**
 * The life of one nonce of one signer:
 *
 *   reserved ──sign+send, node accepts──▶ broadcast ──an attempt mined──▶ mined ──finalityDepth──▶ final
 *      │  (signed attempts recorded            │   ▲ reorg                   │
 *      │   before any send)                    │   └─────────────────────────┘
 *      │                                       ├──the cancellation mined──▶ cancelled
 *      │ never signed, or refused before       └──nonce used by a transaction we did not sign──▶ dropped
 *      │ acceptance (no attempt recorded)
 *      ▼
 *   released (the nonce goes back: reused by the next reservation, or filled)
 *
 * A nonce counts as used from the moment an attempt is recorded, because the process may die right
 * after sending it: such a record is never released, only re-sent, replaced or cancelled.
 */
export type TxState = 'reserved' | 'broadcast' | 'mined' | 'final' | 'cancelled' | 'dropped' | 'released'

/** One signed transaction for the nonce. Every attempt but the newest is `replaced`. */
export type TxAttempt = {
  hash: Hex
  raw: Hex
  maxFeePerGas: bigint
  maxPriorityFeePerGas: bigint
  /** A 0-value self-transfer replacing the call. */
  cancel: boolean
  /** Fencing token of the lease it was signed under. */
  fence: number
  /** When it was signed (ms). */
  at: number
}

/** What the record's transaction does: the caller's call, or a 0-value self-transfer filling a gap. */
export type TxCall = {
  to: Address
  data: Hex
  value: bigint
  gas: bigint
  /** The custom errors of the caller's ABI, kept to decode a revert found when re-simulating. */
  errors?: Abi | undefined
}

export type TxRecord = {
  signer: Address
  nonce: number
  state: TxState
  /** The caller's idempotency key; '' for a gap fill. */
  intentId: string
  kind: 'call' | 'fill'
  /** Fencing token of the lease the nonce was reserved under. */
  fence: number
  call: TxCall
  attempts: TxAttempt[]
  createdAt: number
  updatedAt: number
  firstBroadcastAt: number | undefined
  lastBroadcastAt: number | undefined
  minedHash: Hex | undefined
  minedBlock: bigint | undefined
  status: 'success' | 'reverted' | undefined
  /** Why it was dropped or released. */
  reason: string | undefined
}

/** Records in these states may still change on chain; the monitor watches them. */
export const LIVE_STATES: ReadonlySet<TxState> = new Set(['reserved', 'broadcast', 'mined'])

export function serializeCall(call: TxCall): string {
  return JSON.stringify({
    to: call.to,
    data: call.data,
    value: call.value.toString(),
    gas: call.gas.toString(),
    ...(call.errors?.length ? { errors: call.errors } : {}),
  })
}

export function serializeAttempts(attempts: readonly TxAttempt[]): string {
  return JSON.stringify(
    attempts.map((attempt) => ({
      ...attempt,
      maxFeePerGas: attempt.maxFeePerGas.toString(),
      maxPriorityFeePerGas: attempt.maxPriorityFeePerGas.toString(),
    })),
  )
}

/** A record from its Redis hash; undefined when the hash is empty (no such record). */
export function parseRecord(
  signer: Address,
  nonce: number,
  hash: Record<string, string>,
): TxRecord | undefined {
  if (!hash.state) return undefined
  const call = JSON.parse(hash.call ?? '{}') as {
    to: Address
    data: Hex
    value: string
    gas: string
    errors?: Abi
  }
  const attempts = JSON.parse(hash.attempts ?? '[]') as Array<
    Omit<TxAttempt, 'maxFeePerGas' | 'maxPriorityFeePerGas'> & {
      maxFeePerGas: string
      maxPriorityFeePerGas: string
    }
  >
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value))
  return {
    signer,
    nonce,
    state: hash.state as TxState,
    intentId: hash.intent ?? '',
    kind: hash.kind === 'fill' ? 'fill' : 'call',
    fence: Number(hash.fence ?? 0),
    call: {
      to: call.to,
      data: call.data,
      value: BigInt(call.value ?? 0),
      gas: BigInt(call.gas ?? 0),
      ...(call.errors ? { errors: call.errors } : {}),
    },
    attempts: attempts.map((attempt) => ({
      ...attempt,
      maxFeePerGas: BigInt(attempt.maxFeePerGas),
      maxPriorityFeePerGas: BigInt(attempt.maxPriorityFeePerGas),
    })),
    createdAt: Number(hash.createdAt ?? 0),
    updatedAt: Number(hash.updatedAt ?? 0),
    firstBroadcastAt: number(hash.firstBroadcastAt),
    lastBroadcastAt: number(hash.lastBroadcastAt),
    minedHash: hash.minedHash as Hex | undefined,
    minedBlock: hash.minedBlock === undefined ? undefined : BigInt(hash.minedBlock),
    status: hash.status as 'success' | 'reverted' | undefined,
    reason: hash.reason,
  }
}
