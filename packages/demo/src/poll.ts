/**
 * Calls `probe` every `intervalMs` until it returns something other than undefined, and resolves with it;
 * after `timeoutMs` rejects naming `what` and the last thing the probe said (its error, or `note()`).
 * A probe that throws is called again: services the scenarios wait on may be briefly unavailable.
 *
 * @example await pollUntil(async () => ((await api.health(a)).equity > 0 ? true : undefined), { timeoutMs: 20_000, what: 'a deposit' })
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; what: string; intervalMs?: number; note?: () => string | undefined },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs
  let last: string | undefined
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
      last = options.note?.()
    } catch (error) {
      last = (error as Error).message
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what}${last ? ` (last: ${last})` : ''}`,
      )
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50))
  }
}
