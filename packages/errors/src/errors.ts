/**
 * xmargin's error tree. Every error we throw on purpose is an `XmarginError`, and the tree is split by
 * what the caller should do: `RetryableError` (try again later: a timeout, a 429, a lagging node) and
 * `PermanentError` (retrying cannot help: bad input, a decoded revert, a config mistake).
 */
export type XmarginErrorParameters = {
  /** Extra lines shown under the short message (what was expected, where it came from). */
  details?: string | undefined
  /** The error that caused this one. */
  cause?: unknown
}

export class XmarginError extends Error {
  override name = 'XmarginError'
  /** One line that says what went wrong, without details. */
  readonly shortMessage: string
  readonly details: string | undefined

  constructor(shortMessage: string, parameters: XmarginErrorParameters = {}) {
    const message = parameters.details ? `${shortMessage}\n${parameters.details}` : shortMessage
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause })
    this.shortMessage = shortMessage
    this.details = parameters.details
  }
}

/** Trying again later may succeed: timeouts, rate limits, a node that is behind. */
export class RetryableError extends XmarginError {
  override name = 'RetryableError'
}

/** Trying again cannot succeed: bad input, a known revert, an invalid configuration. */
export class PermanentError extends XmarginError {
  override name = 'PermanentError'
}

/** 'retry' for a `RetryableError`, 'permanent' for a `PermanentError`, 'unknown' for anything else. */
export function classifyByName(error: unknown): 'retry' | 'permanent' | 'unknown' {
  if (error instanceof RetryableError) return 'retry'
  if (error instanceof PermanentError) return 'permanent'
  return 'unknown'
}
