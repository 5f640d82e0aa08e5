import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

// The command lives in packages/cli (which depends on this package): run its build when there is one.
const cli = fileURLToPath(new URL('../../packages/cli/bin/xmargin.js', import.meta.url))
const built = existsSync(
  fileURLToPath(new URL('../../packages/cli/dist/commands/keeper.js', import.meta.url)),
)

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 30_000,
  })

test.skipIf(!built)('default: xmargin keeper --help explains the settings and environment', () => {
  const result = run(['keeper', '--help'])
  expect(result.status).toBe(0)
  for (const text of [
    '--config <file>',
    '--dashboard',
    'XMARGIN_KEEPER_KEYS',
    'XMARGIN_LZ_RELAYER_KEY',
    'XMARGIN_BULLBOARD_TOKEN',
    '"minProfitUsd"',
    'keeper_liquidation_skipped_total',
  ])
    expect(result.stdout).toContain(text)
})

test.skipIf(!built)('behavior: a bad settings file fails before starting, naming the file and field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keeper-cli-'))
  try {
    const file = join(dir, 'keeper.json')
    writeFileSync(
      file,
      JSON.stringify({ deployment: 'deployment.json', workers: { liquidateConcurrency: -1 } }),
    )
    const bad = run(['keeper', '--config', file], { XMARGIN_KEEPER_KEYS: `0x${'11'.repeat(32)}` })
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain(`Invalid settings file ${file}: workers.liquidateConcurrency`)
    writeFileSync(file, JSON.stringify({ deployment: 'deployment.json' }))
    const noKeys = run(['keeper', '--config', file])
    expect(noKeys.status).toBe(1)
    expect(noKeys.stderr).toContain('Missing environment variable XMARGIN_KEEPER_KEYS')
    expect(run(['keeper']).status).not.toBe(0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
