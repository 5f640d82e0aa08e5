import type { Address, Client, Hex, LocalAccount, TransactionReceipt } from 'viem'
import type { TxEvent, TxMetrics } from '../events.js'
import type { Lease, Ledger } from '../ledger/createLedger.js'
import type { TxPolicy } from '../policy.js'
import type { Fees } from '../replacementFees.js'

/** One signer of the pool as this engine sees it. */
export type SignerSlot = {
  account: LocalAccount
  address: Address
  /** Defined while this engine holds the signer's lease. */
  lease: Lease | undefined
  /** The lease is only trusted until then (last successful renewal + ttl − margin). */
  leaseValidUntil: number
  /** Reconciled with the chain since the lease was acquired: submissions may use it. */
  ready: boolean
  /** Submissions using it right now (to spread load over the pool). */
  submitting: number
}

/** What the engine's parts share. Built once by `createTxEngine`. */
export type EngineContext = {
  chainId: number
  client: Client
  ledger: Ledger
  policy: TxPolicy
  slots: ReadonlyMap<string, SignerSlot>
  /** `<signer>:<nonce>` of records a submission or the monitor is working on; others keep off. */
  busy: Set<string>
  emit(event: Omit<TxEvent, 'chainId' | 'at'>): void
  count(counter: keyof TxMetrics['counters']): void
  /** The current fee estimate, cached for a poll interval. */
  fees(options?: { fresh?: boolean }): Promise<Fees>
  /** The head block number, cached for a poll interval (or read now with `fresh`). */
  blockNumber(options?: { fresh?: boolean }): Promise<bigint>
  /** The signer's mined nonce count (`latest`), cached for half a poll interval. */
  latestNonce(signer: Address): Promise<number>
  /** Resolves once the signer's nonce count passes `nonce`, or after `maxWaitMs` (see `createNonceWatcher`). */
  nonceUsed(signer: Address, nonce: number, maxWaitMs: number): Promise<void>
  /** The receipt of `hash`, or undefined when it is not mined (mined receipts are cached). */
  receipt(hash: Hex): Promise<TransactionReceipt | undefined>
  /** The slot when this engine holds the signer's lease (and it is still valid), else undefined. */
  held(signer: Address): SignerSlot | undefined
  /** Forget a lease this engine can no longer trust. */
  dropLease(slot: SignerSlot, why: string): void
  /** Try to take the leases of the pool this engine does not hold (and recover those signers). */
  acquireLeases(): Promise<void>
  isRunning(): boolean
}

export const busyKey = (signer: Address, nonce: number) => `${signer.toLowerCase()}:${nonce}`
