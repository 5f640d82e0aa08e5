/** What an `eth_sendRawTransaction` failure says about the nonce and the transaction. */
export type SendErrorKind =
  /** The node already has this exact transaction: as good as accepted. */
  | 'known'
  /** The nonce is used on chain (by this transaction or another one). */
  | 'nonceTooLow'
  /** Another transaction with this nonce sits in the pool and pays as much or more. */
  | 'replacementUnderpriced'
  /** The fees are below what the node takes now (base fee rose): re-price and send again. */
  | 'feeTooLow'
  /** The signer cannot pay gas · fee + value. Not accepted. */
  | 'insufficientFunds'
  /** Refused for good (gas limit, invalid signature or chain, type). Not accepted. */
  | 'rejected'
  /**
   * No clear answer (timeout, connection reset, 5xx, 429, an unknown message). The node may or may
   * not have the transaction: keep it and send the same bytes again; never reuse the nonce.
   */
  | 'unavailable'

// Message fragments from geth, erigon, nethermind, besu, reth and anvil, lower case.
const KNOWN = ['already known', 'already imported', 'known transaction', 'alreadyknown', 'already exists']
const NONCE_TOO_LOW = ['nonce too low', 'nonce has already been used', 'oldnonce', 'nonce is too low']
const REPLACEMENT = [
  'replacement transaction underpriced',
  'replacement fee too low',
  'replacementnotallowed',
]
const FEE_TOO_LOW = [
  'max fee per gas less than block base fee',
  'fee cap less than block base fee',
  'transaction underpriced',
  'feetoolow',
  'gas price too low',
  'underpriced',
]
const INSUFFICIENT = ['insufficient funds', 'insufficientfunds', "sender doesn't have enough funds"]
const REJECTED = [
  'intrinsic gas too low',
  'exceeds block gas limit',
  'gas limit reached',
  'invalid sender',
  'invalid chain id',
  'invalid signature',
  'transaction type not supported',
  'tx type not supported',
  'oversized data',
  'tip above fee cap',
  'max priority fee per gas higher than max fee per gas',
  'fee cap too high',
  'exceeds the configured cap',
]

/**
 * Sorts a failed `eth_sendRawTransaction` by what it means for the ledger. Looks at every message in the
 * error's cause chain (viem wraps the node's message as `details`).
 *
 * @example classifySendError(new Error('nonce too low')) // 'nonceTooLow'
 */
export function classifySendError(error: unknown): SendErrorKind {
  const text = messages(error).join('\n').toLowerCase()
  const has = (fragments: string[]) => fragments.some((fragment) => text.includes(fragment))
  // Order matters: "replacement transaction underpriced" also contains "underpriced".
  if (has(KNOWN)) return 'known'
  if (has(NONCE_TOO_LOW)) return 'nonceTooLow'
  if (has(REPLACEMENT)) return 'replacementUnderpriced'
  if (has(INSUFFICIENT)) return 'insufficientFunds'
  if (has(FEE_TOO_LOW)) return 'feeTooLow'
  if (has(REJECTED)) return 'rejected'
  return 'unavailable'
}

function messages(error: unknown): string[] {
  const found: string[] = []
  for (let current = error, depth = 0; current && depth < 10; depth++) {
    if (typeof current === 'string') {
      found.push(current)
      break
    }
    if (typeof current !== 'object') break
    const { message, details, shortMessage } = current as {
      message?: unknown
      details?: unknown
      shortMessage?: unknown
    }
    for (const value of [details, shortMessage, message]) if (typeof value === 'string') found.push(value)
    current = (current as { cause?: unknown }).cause
  }
  return found
}
