import { BaseError, HttpRequestError, TimeoutError } from 'viem'

/**
 * What an RPC failure says about the endpoint, and so what the transport does next:
 *
 * - `deterministic`: the request itself is at fault (revert, bad params, unknown method): every node
 *   answers the same, so it is thrown to the caller at once, and the endpoint is not blamed.
 * - `tooLarge`: the node refuses the size of the query (log limit, block range, response size): thrown at
 *   once so the caller can split it (the cursor halves its range); not blamed either.
 * - `rateLimited`: 429 or a JSON-RPC rate-limit error: fail over and let this endpoint cool down.
 * - `timeout`, `network` (refused, reset, DNS), `http` (5xx and other non-OK statuses), `lagging` (the node
 *   does not know the block yet), `rpc` (any other node-side error): fail over, retry with backoff.
 */
export type RpcFailureKind =
  | 'deterministic'
  | 'tooLarge'
  | 'rateLimited'
  | 'timeout'
  | 'network'
  | 'http'
  | 'lagging'
  | 'rpc'

// JSON-RPC codes meaning "your request is wrong", whatever node answers.
const DETERMINISTIC_CODES = new Set([
  3, // execution reverted (with data)
  -32700, // parse error
  -32600, // invalid request
  -32601, // method not found
  -32602, // invalid params
  -32006, // JSON-RPC version not supported
  4001, // user rejected
  4200, // unsupported method
])

const TOO_LARGE =
  /query returned more than|block range|range (is )?too (large|wide)|too many (logs|results|blocks)|response (size|is too large)|exceed(s|ed)? (the )?(max|maximum|limit)|limit exceeded|log response size|payload too large|request entity too large/i
const RATE_LIMITED = /rate.?limit|too many requests|exceeded .*(capacity|quota|compute units)|throttl/i
const LAGGING =
  /header not found|unknown block|block not found|missing trie node|not (yet )?(available|synced)/i
const REVERTED = /execution reverted|revert|invalid opcode|out of gas|gas required exceeds/i

/**
 * Classifies an error thrown by a viem transport's `request`. Pure: reads only the error's fields.
 *
 * @example classifyRpcError(new TimeoutError({ body: {}, url: 'http://x' })) // 'timeout'
 */
export function classifyRpcError(error: unknown): RpcFailureKind {
  if (error instanceof TimeoutError) return 'timeout'
  const http = error instanceof BaseError ? error.walk((e) => e instanceof HttpRequestError) : undefined
  const status = http instanceof HttpRequestError ? http.status : undefined
  const code = findCode(error)
  const text = messageOf(error)
  // The node answered with HTTP status only.
  if (status === 429) return 'rateLimited'
  if (status === 413) return 'tooLarge'
  if (status === 408) return 'timeout'
  if (status !== undefined && status >= 400 && code === undefined) return 'http'
  if (http && status === undefined && code === undefined) return 'network'
  // The node answered with a JSON-RPC error object.
  if (code !== undefined) {
    if (code === 429 || code === -32029 || (code === -32005 && RATE_LIMITED.test(text))) return 'rateLimited'
    if (TOO_LARGE.test(text) && !REVERTED.test(text)) return 'tooLarge'
    if (code === -32005) return 'tooLarge' // "limit exceeded" without a rate hint
    if (DETERMINISTIC_CODES.has(code) || REVERTED.test(text)) return 'deterministic'
    if (LAGGING.test(text)) return 'lagging'
    if (RATE_LIMITED.test(text)) return 'rateLimited'
    return 'rpc'
  }
  if (/abort/i.test(text)) return 'deterministic' // the caller cancelled: do not fail over
  return 'network'
}

/** True when the transport should try another endpoint (and later rounds) after this failure. */
export function isFailoverKind(kind: RpcFailureKind): boolean {
  return kind !== 'deterministic' && kind !== 'tooLarge'
}

function findCode(error: unknown): number | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 8 && current; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'number' && code !== -1) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

function messageOf(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 8 && current; depth++) {
    if (current instanceof BaseError) parts.push(current.shortMessage, current.details)
    else if (current instanceof Error) parts.push(current.message)
    current = (current as { cause?: unknown }).cause
  }
  return parts.join(' | ')
}
