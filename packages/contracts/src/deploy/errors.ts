import { PermanentError } from '@xmargin/errors'

/** A deployment transaction reverted or a deployment parameter is invalid. */
export class DeployError extends PermanentError {
  override name = 'DeployError'
}
