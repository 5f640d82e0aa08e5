import { PermanentError } from '@xmargin/errors'

/** A configuration file or environment variable is missing, unreadable or invalid. */
export class ConfigError extends PermanentError {
  override name = 'ConfigError'
}
