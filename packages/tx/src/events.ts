import type { Address, Hex } from 'viem'

/** Everything the engine does, as one event type: log it, count it, alert on it. */
export type TxEventType =
  | 'leaseAcquired' // the engine may now send with the signer (fence = its token)
  | 'leaseLost' // renewal failed: the engine stops sending with the signer
  | 'leaseReleased' // given back on stop
  | 'recovered' // a newly held signer was reconciled with the chain before use
  | 'reserved' // a nonce was reserved for an intent
  | 'broadcast' // the node accepted a transaction (first send)
  | 'rebroadcast' // a signed transaction the node did not have was sent again
  | 'replaced' // a stuck transaction was replaced at higher fees
  | 'cancelling' // a transaction was replaced by a 0-value self-transfer (deadline, or its call now reverts)
  | 'mined' // an attempt was mined (status in detail)
  | 'cancelled' // the cancellation was mined: the intent did not happen
  | 'final' // deep enough; the record leaves the live set
  | 'dropped' // the nonce went to a transaction the ledger did not sign
  | 'released' // a nonce went back unused (refused before acceptance, or reserved and abandoned)
  | 'gapFilled' // a 0-value self-transfer filled a nonce nobody was going to use
  | 'simulationReverted' // a call was refused before sending (or before re-sending)
  | 'sendFailed' // the node refused or did not answer an eth_sendRawTransaction
  | 'error' // a monitor step failed; it is retried on the next tick

/** One event; log lines carry these fields (URLs in `detail` are already redacted). */
export type TxEvent = {
  type: TxEventType
  chainId: number
  signer?: Address | undefined
  nonce?: number | undefined
  hash?: Hex | undefined
  intentId?: string | undefined
  fence?: number | undefined
  detail?: string | undefined
  at: number
}

/** Counters since start, and gauges, for Prometheus in the service. */
export type TxMetrics = {
  chainId: number
  counters: Record<
    | 'broadcast'
    | 'rebroadcast'
    | 'replaced'
    | 'cancelled'
    | 'dropped'
    | 'nonceGaps'
    | 'released'
    | 'simulationReverts'
    | 'mined'
    | 'leaseLost',
    number
  >
  /** Per held signer: records not yet mined, and how long the oldest has been waiting. */
  signers: Array<{ signer: Address; fence: number; pending: number; oldestPendingMs: number }>
}
