import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { KeeperSettingsInput } from '../config/keeperSettings.js'
import { until } from './redis.js'

/** Path of a compiled test script under `dist/_test/`; fails clearly when the build is missing or stale. */
export function builtScript(name: string): string {
  const source = fileURLToPath(new URL(`./${name}.ts`, import.meta.url))
  const built = fileURLToPath(new URL(`../../dist/_test/${name}.js`, import.meta.url))
  if (!existsSync(built) || (existsSync(source) && statSync(built).mtimeMs < statSync(source).mtimeMs))
    throw new Error(`${built} is missing or stale: run \`npx tsc -b keeper\` first`)
  return built
}

export type KeeperProcess = {
  child: ChildProcess
  pid: number
  /** Every stdout line so far (pino JSON). */
  lines: string[]
  exited: Promise<number | null>
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL (a crash) and wait until it is gone. */
  kill(): Promise<void>
}

/**
 * Starts `dist/_test/keeperProcess.js` (runKeeper, as the CLI runs it) with a settings file (no keys) and
 * the keys in the environment, and resolves once it logged "keeper started".
 */
export async function spawnKeeper(parameters: {
  settings: KeeperSettingsInput
  keys: readonly string[]
  relayerKey?: string | undefined
  timeoutMs?: number
}): Promise<KeeperProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'xmargin-keeper-process-'))
  const file = join(dir, 'keeper.json')
  const { keys: _keys, ...settings } = parameters.settings
  writeFileSync(
    file,
    JSON.stringify({ ...settings, log: { level: 'info' } }, (_key, value) =>
      typeof value === 'bigint' ? value.toString() : value,
    ),
  )
  const child = spawn(process.execPath, [builtScript('keeperProcess'), file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      XMARGIN_KEEPER_KEYS: parameters.keys.join(','),
      ...(parameters.relayerKey ? { XMARGIN_LZ_RELAYER_KEY: parameters.relayerKey } : {}),
    },
  })
  const lines: string[] = []
  let buffer = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    const parts = buffer.split('\n')
    buffer = parts.pop() ?? ''
    lines.push(...parts.filter(Boolean))
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true })
      resolve(code)
    }),
  )
  let gone = false
  void exited.then(() => {
    gone = true
  })
  await until(
    () => {
      if (gone)
        throw new Error(`keeper process exited before it started: ${stderr || lines.slice(-5).join('\n')}`)
      return lines.some((line) => line.includes('"keeper started"'))
    },
    parameters.timeoutMs ?? 30_000,
    'the keeper process to start',
  )
  return {
    child,
    pid: child.pid!,
    lines,
    exited,
    async stop() {
      if (!gone) child.kill('SIGTERM')
      return exited
    },
    async kill() {
      if (!gone) child.kill('SIGKILL')
      await exited
    },
  }
}
