export { classifySendError, type SendErrorKind } from './classifySendError.js'
export { decidePendingAction, type PendingAction, type PendingView } from './decidePendingAction.js'
export type { EngineContext, SignerSlot } from './engine/context.js'
export { type CreateTxEngineParameters, createTxEngine, type TxEngine } from './engine/createTxEngine.js'
export { type ReconcileReport, reconcileSigner } from './engine/reconcileSigner.js'
export { type SubmitRequest, type SubmittedTx, submitTransaction } from './engine/submitTransaction.js'
export { type WaitOptions, waitForRecord } from './engine/waitForRecord.js'
export {
  BroadcastUnavailableError,
  InsufficientFundsError,
  IntentBusyError,
  LeaseLostError,
  NoSignerAvailableError,
  SimulationRevertedError,
  TransactionCancelledError,
  TransactionDroppedError,
  TransactionRejectedError,
  TransactionRevertedError,
  WaitTimeoutError,
} from './errors.js'
export type { TxEvent, TxEventType, TxMetrics } from './events.js'
export { createLedger, type Lease, type Ledger, type ReserveResult } from './ledger/createLedger.js'
export { type LedgerKeys, ledgerKeys } from './ledger/keys.js'
export { LIVE_STATES, type TxAttempt, type TxCall, type TxRecord, type TxState } from './ledger/record.js'
export { resolveTxPolicy, type TxPolicy, type TxPolicyInput, txPolicySchema } from './policy.js'
export { redactUrls } from './redactUrls.js'
export { type Fees, initialFees, type ReplacementFeeParameters, replacementFees } from './replacementFees.js'
export { safeError } from './safeError.js'
export { type SimulateParameters, simulateTransaction } from './simulate.js'
