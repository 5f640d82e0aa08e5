import { PermanentError } from '@xmargin/errors'

/** The margin input (JSON or typed) is malformed; the message names the field, e.g. `units[0].spot: must be positive`. */
export class MarginInputError extends PermanentError {
  override name = 'MarginInputError'
}
