import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pollUntil, type Stack, type StartStackParameters, startStack } from '@xmargin/demo'
import { inject } from 'vitest'

/** Seconds an end-to-end stack may take to start (three chains, deployment, five service processes). */
export const STACK_TIMEOUT_MS = 180_000
/** A whole scripted crash, with margin for a loaded CI machine. */
export const SCENARIO_TIMEOUT_MS = 300_000

/**
 * Starts a whole stack for one end-to-end file (its own chains, its own Redis key prefix) with its logs
 * in a temporary directory. `stop` keeps the directory after a failure (or with XMARGIN_E2E_KEEP_LOGS=1)
 * and prints where, with the scenario's narration.
 */
export async function startE2eStack(
  name: string,
  parameters: Omit<StartStackParameters, 'dir'> = {},
): Promise<{ stack: Stack; lines: string[]; stop(keepLogs?: boolean): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `xmargin-e2e-${name}-`))
  const lines: string[] = []
  const stack = await startStack({
    dir,
    redisUrl: inject('redisUrl'),
    onLine: (line) => lines.push(line),
    ...parameters,
  })
  return {
    stack,
    lines,
    async stop(failed = false) {
      await stack.stop()
      // XMARGIN_E2E_KEEP_LOGS=1 keeps them after a pass too.
      const keepLogs = failed || process.env.XMARGIN_E2E_KEEP_LOGS === '1'
      if (keepLogs) console.error(`e2e ${name}: service logs kept in ${dir}\n${lines.join('\n')}`)
      else await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Polls `probe` until it returns a value other than undefined; fails with `what` after `timeoutMs`. */
export function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return pollUntil(probe, { timeoutMs, what })
}
