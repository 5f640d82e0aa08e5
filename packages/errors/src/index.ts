export type { XmarginErrorParameters } from './errors.js'
export { classifyByName, PermanentError, RetryableError, XmarginError } from './errors.js'
export { redactUrl } from './redactUrl.js'
