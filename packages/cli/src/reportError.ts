import { XmarginError } from '@xmargin/errors'

/** Prints an error for a person: our own errors as their message, anything else with its stack. */
export function reportError(error: unknown): void {
  if (error instanceof XmarginError) {
    console.error(`error: ${error.message}`)
    return
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
}
