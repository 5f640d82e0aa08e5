import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { XmarginError } from '@xmargin/errors'
import { cliBin } from './cliBin.js'

/** A relay node or keeper running as its own process (`xmargin relay|keeper --config FILE`). */
export type ServiceProcess = {
  /** e.g. `relay-0`, `keeper-1`. */
  name: string
  kind: 'relay' | 'keeper'
  pid: number
  /** `http://127.0.0.1:<port>`: `/readyz`, `/metrics` (and the API on a relay). */
  url: string
  logFile: string
  /** Exit code once it exited (null while running, or after a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** SIGTERM, and SIGKILL after `graceMs`; resolves with how it ended. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** SIGKILL: a crash. */
  kill(): Promise<void>
  /** True until the process exited. */
  isRunning(): boolean
}

export type SpawnServiceParameters = {
  name: string
  kind: 'relay' | 'keeper'
  configFile: string
  port: number
  env: Record<string, string>
  logFile: string
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

/** Starts `xmargin <kind> --config <file>` with its output in `logFile`; it is killed if this process exits. */
export function spawnService(parameters: SpawnServiceParameters): ServiceProcess {
  installExitHook()
  const log = createWriteStream(parameters.logFile, { flags: 'a' })
  const child = spawn(process.execPath, [cliBin(), parameters.kind, '--config', parameters.configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...parameters.env, XMARGIN_HTTP_PORT: String(parameters.port) },
  })
  child.stdout?.pipe(log, { end: false })
  child.stderr?.pipe(log, { end: false })
  running.add(child)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      // Let the pipes drain into the log before closing it.
      setTimeout(() => log.end(), 50)
      resolve({ code, signal })
    })
  })
  const gone = () => child.exitCode !== null || child.signalCode !== null
  return {
    name: parameters.name,
    kind: parameters.kind,
    pid: child.pid ?? -1,
    url: `http://127.0.0.1:${parameters.port}`,
    logFile: parameters.logFile,
    exited,
    async stop(graceMs = 10_000) {
      if (!gone()) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      const result = await exited
      clearTimeout(timer)
      return result
    },
    async kill() {
      if (!gone()) child.kill('SIGKILL')
      await exited
    },
    isRunning: () => !gone(),
  }
}

/**
 * Polls `<url>/readyz` until it answers one of `statuses` (default 200), or fails with the tail of the
 * service's log after `timeoutMs`.
 */
export async function waitUntilReady(
  service: ServiceProcess,
  parameters: { statuses?: readonly number[]; timeoutMs?: number } = {},
): Promise<number> {
  const { statuses = [200], timeoutMs = 60_000 } = parameters
  const deadline = Date.now() + timeoutMs
  let last = 'no answer'
  let ended = false
  service.exited.then(() => {
    ended = true
  })
  while (Date.now() < deadline && !ended) {
    try {
      const response = await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(2_000) })
      await response.body?.cancel()
      if (statuses.includes(response.status)) return response.status
      last = `status ${response.status}`
    } catch (error) {
      last = (error as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new XmarginError(
    `${service.name} was not ready (${ended ? 'it exited' : last}); see ${service.logFile}`,
  )
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL')
  })
}
