import { type ChildProcess, spawn } from 'node:child_process'
import { ProcessStartError } from './errors.js'

/** A child process the devnet started and must stop. */
export type ManagedProcess = {
  /** Short name for messages, e.g. `anvil 31337`. */
  label: string
  pid: number
  child: ChildProcess
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>
}

const running = new Set<ManagedProcess>()
let exitHookInstalled = false

/**
 * Spawns `command` and resolves once `ready` matches a line of its output (stdout or stderr), with the
 * match. Every process started here is killed when this Node process exits, whatever the reason.
 */
export async function spawnManaged(parameters: {
  label: string
  command: string
  args: readonly string[]
  ready: RegExp
  timeoutMs?: number
}): Promise<{ process: ManagedProcess; match: RegExpMatchArray }> {
  const { label, command, args, ready, timeoutMs = 15_000 } = parameters
  installExitHook()
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const managed = manage(label, child)

  let output = ''
  let onEarlyExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined
  try {
    const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new ProcessStartError(`${label} printed no ready line within ${timeoutMs} ms`, {
              details: tail(output),
            }),
          ),
        timeoutMs,
      )
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        const found = output.match(ready)
        if (found) {
          clearTimeout(timer)
          resolve(found)
        }
      }
      child.stdout?.on('data', onData)
      child.stderr?.on('data', onData)
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(new ProcessStartError(`${label} could not be started: ${error.message}`, { cause: error }))
      })
      onEarlyExit = (code, signal) => {
        clearTimeout(timer)
        reject(
          new ProcessStartError(`${label} exited before it was ready (${signal ?? `code ${code}`})`, {
            details: tail(output),
          }),
        )
      }
      child.once('exit', onEarlyExit)
    })
    // Keep draining output so a chatty child never blocks on a full pipe.
    child.stdout?.removeAllListeners('data').resume()
    child.stderr?.removeAllListeners('data').resume()
    if (onEarlyExit) child.off('exit', onEarlyExit)
    return { process: managed, match }
  } catch (error) {
    await managed.stop()
    throw error
  }
}

function manage(label: string, child: ChildProcess): ManagedProcess {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  const managed: ManagedProcess = {
    label,
    pid: child.pid ?? -1,
    child,
    async stop(graceMs = 3_000) {
      running.delete(managed)
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
  if (child.pid !== undefined) running.add(managed)
  child.once('exit', () => running.delete(managed))
  return managed
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Last resort when the parent exits without stopping the devnet (an uncaught error, process.exit()).
  process.once('exit', () => {
    for (const managed of running) managed.child.kill('SIGKILL')
  })
}

function tail(output: string): string {
  return output.trim().split('\n').slice(-10).join('\n')
}
