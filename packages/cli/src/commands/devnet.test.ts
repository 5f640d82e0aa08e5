import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadDeployment } from '@xmargin/config'
import { isAlive } from '@xmargin/devnet'
import { afterAll, beforeAll, expect, test } from 'vitest'

const bin = fileURLToPath(new URL('../../bin/xmargin.js', import.meta.url))
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xmargin-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs `xmargin <args>` until it prints `Ready.`, then sends SIGINT and collects the result. */
async function runUntilReadyThenInterrupt(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "Ready." within 30 s:\n${stdout}\n${stderr}`)),
      30_000,
    )
    const check = () => {
      if (stdout.includes('Ready.')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', check)
    exit.then(() => reject(new Error(`exited early:\n${stdout}\n${stderr}`)))
  })
  const pids = [...stdout.matchAll(/pid (\d+)/g)].map((match) => Number(match[1]))
  const aliveBefore = pids.filter(isAlive)
  child.kill('SIGINT')
  const { code, signal } = await exit
  return { stdout, stderr, code, signal, pids, aliveBefore }
}

test('default: `xmargin devnet` prints three chains, Redis and the deployment file, and Ctrl-C leaves nothing behind', async () => {
  const deploymentPath = join(dir, 'devnet.json')
  const run = await runUntilReadyThenInterrupt(['devnet', '--deployment', deploymentPath])
  expect(run.stderr).toBe('')
  expect([run.code, run.signal]).toEqual([0, null])
  expect(run.stdout).toMatch(/chain devnet-a\s+id 31337\s+http:\/\/127\.0\.0\.1:\d+/)
  expect(run.stdout).toMatch(/chain devnet-c\s+id 31339/)
  expect(run.stdout).toMatch(/redis\s+redis:\/\//)
  expect(run.stdout).toContain(`deployment file      ${deploymentPath}`)
  expect(run.pids).toHaveLength(3)
  expect(run.aliveBefore).toEqual(run.pids)
  expect(run.pids.filter(isAlive)).toEqual([])
  expect((await loadDeployment(deploymentPath)).chains).toHaveLength(3)
})

test('behavior: with no Redis at the URL, a private redis-server is started and stopped', async () => {
  const run = await runUntilReadyThenInterrupt([
    'devnet',
    '--deployment',
    join(dir, 'start.json'),
    '--redis-url',
    'redis://127.0.0.1:1',
  ])
  expect([run.code, run.signal]).toEqual([0, null])
  expect(run.stdout).toMatch(/redis\s+redis:\/\/127\.0\.0\.1:\d+\s+\(started here, pid \d+\)/)
  expect(run.pids).toHaveLength(4)
  expect(run.aliveBefore).toEqual(run.pids)
  expect(run.pids.filter(isAlive)).toEqual([])
})

test('behavior: bad options are refused with the option named', async () => {
  const child = spawn(process.execPath, [bin, 'devnet', '--chains', 'zero'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const code = await new Promise((resolve) => child.once('exit', resolve))
  expect(code).not.toBe(0)
  expect(stderr).toContain("option '--chains <n>' argument 'zero' is invalid. expected a positive integer")
})
