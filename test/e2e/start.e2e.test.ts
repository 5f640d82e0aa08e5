// `npm start` as a newcomer runs it: the xmargin start command in its own process, the crash played and
// narrated, the API served until Ctrl-C, then a clean exit 0 with every process it started gone.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, inject, test } from 'vitest'
import { SCENARIO_TIMEOUT_MS, STACK_TIMEOUT_MS } from './stack.js'

const cli = fileURLToPath(new URL('../../packages/cli/bin/xmargin.js', import.meta.url))

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test(
  'default: `xmargin start` narrates the crash, serves the API, and Ctrl-C stops everything with exit 0',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xmargin-e2e-start-'))
    const child = spawn(process.execPath, [cli, 'start', '--dir', dir], {
      env: { ...process.env, REDIS_URL: inject('redisUrl') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    )
    try {
      // Serving: the scenario is over and the API answers.
      const deadline = Date.now() + STACK_TIMEOUT_MS + SCENARIO_TIMEOUT_MS
      while (!stdout.includes('The API keeps serving until Ctrl-C')) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`xmargin start did not reach serving:\n${stdout}\n${stderr}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(stdout).toMatch(/chain devnet-a \(31337\) at http:\/\/127\.0\.0\.1:\d+ \(anvil pid \d+\)/)
      expect(stdout).toContain(`deployment file ${join(dir, 'deployment.json')}`)
      expect(stdout).toMatch(/step 5 {2}ETH \$2,400/)
      expect(stdout).toMatch(/liquidation on devnet-b: tx 0x[0-9a-f]{6}…[0-9a-f]{4}/)
      expect(stdout).toMatch(/price update → first liquidation mined: \d/)
      expect(stdout).toMatch(/crash → last liquidation: \d/)
      const api = stdout.match(/curl (http:\/\/127\.0\.0\.1:\d+)\/v1\/accounts\/(0x[0-9a-fA-F]{40})\/health/)!
      const health = await fetch(`${api[1]}/v1/accounts/${api[2]}/health`)
      expect(health.status).toBe(200)
      expect(((await health.json()) as { account: string }).account).toBe(api[2])

      const pids = [...stdout.matchAll(/pid (\d+)/g)].map((match) => Number(match[1]))
      expect(pids.length).toBeGreaterThanOrEqual(3 + 3 + 2) // chains, relay nodes, keepers
      expect(pids.filter(isAlive)).toEqual(pids)

      child.kill('SIGINT')
      expect(await exited).toEqual({ code: 0, signal: null })
      expect(pids.filter(isAlive)).toEqual([])
      expect(stdout).toContain('Stopping keepers, relays, chains...')
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    }
  },
  STACK_TIMEOUT_MS + SCENARIO_TIMEOUT_MS,
)
