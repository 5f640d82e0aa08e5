import { PermanentError, RetryableError, type XmarginErrorParameters } from '@xmargin/errors'

type ApiErrorParameters = XmarginErrorParameters & {
  status?: number | undefined
  code?: string | undefined
  field?: string | undefined
  body?: unknown
}

/** The relay refused the request (4xx): fix the request; retrying it unchanged gives the same answer. */
export class ApiRequestError extends PermanentError {
  override name = 'ApiRequestError'
  /** HTTP status. */
  readonly status: number
  /** The relay's machine-readable code (`invalidRequest`, `insufficientMargin`, …). */
  readonly code: string
  /** The field at fault (`body.amount`), when the relay named one. */
  readonly field: string | undefined
  /** The whole error body, e.g. `error.details` of an `insufficientMargin` refusal. */
  readonly body: unknown

  constructor(shortMessage: string, parameters: ApiErrorParameters & { status: number; code: string }) {
    super(shortMessage, parameters)
    this.status = parameters.status
    this.code = parameters.code
    this.field = parameters.field
    this.body = parameters.body
  }
}

/** The relay could not answer now (5xx, a timeout, the connection failed): retry later or elsewhere. */
export class ApiUnavailableError extends RetryableError {
  override name = 'ApiUnavailableError'
  readonly status: number | undefined
  readonly code: string | undefined

  constructor(shortMessage: string, parameters: ApiErrorParameters = {}) {
    super(shortMessage, parameters)
    this.status = parameters.status
    this.code = parameters.code
  }
}

/** The relay answered with a body that does not match the API schema (a version mismatch). */
export class ApiResponseError extends PermanentError {
  override name = 'ApiResponseError'
}
