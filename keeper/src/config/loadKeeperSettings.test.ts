import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { loadKeeperSettings } from './loadKeeperSettings.js'

const dir = mkdtempSync(join(tmpdir(), 'keeper-settings-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const KEY_A = `0x${'11'.repeat(32)}`
const KEY_B = `0x${'22'.repeat(32)}`

function file(content: unknown): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(path, JSON.stringify(content))
  return path
}

const load = (
  content: unknown,
  env: NodeJS.ProcessEnv = { XMARGIN_KEEPER_KEYS: KEY_A },
  dashboard?: boolean,
) => loadKeeperSettings({ file: file(content), env, dashboard })

test('default: the file, keys from the environment, defaults for the rest', async () => {
  const settings = await load(
    { deployment: 'deployment.json' },
    { XMARGIN_KEEPER_KEYS: `${KEY_A}, ${KEY_B}` },
  )
  expect(settings.keys.signers).toEqual([KEY_A, KEY_B])
  expect(settings.chains).toBeUndefined()
  expect(settings.workers).toMatchObject({
    liquidateConcurrency: 16,
    lockDurationMs: 20_000,
    maxStalledCount: 5,
  })
  expect(settings.liquidation).toMatchObject({
    minProfitUsd: 0,
    confirmations: 1,
    flagWhenUnprofitable: true,
  })
  expect(settings.dashboard).toEqual({ enabled: false })
  expect(settings.tx.maxFeePerGasCap).toBe(1_000n * 10n ** 9n)
  const overridden = await load(
    { deployment: 'd.json', tx: { maxFeePerGasCap: '50000000000' } },
    {
      XMARGIN_KEEPER_KEYS: KEY_A,
      XMARGIN_KEEPER_CHAINS: '31337,31338',
      XMARGIN_KEEPER_MIN_PROFIT_USD: '2.5',
    },
  )
  expect([overridden.chains, overridden.liquidation.minProfitUsd, overridden.tx.maxFeePerGasCap]).toEqual([
    [31337, 31338],
    2.5,
    50_000_000_000n,
  ])
})

test('behavior: errors name the file or the variable, and the field', async () => {
  await expect(load({ deployment: 'd.json' }, {})).rejects.toThrowErrorMatchingInlineSnapshot(`
    [ConfigError: Missing environment variable XMARGIN_KEEPER_KEYS (keys.signers): the keeper signs with them
    Set XMARGIN_KEEPER_KEYS to one or more 0x-prefixed private keys, comma-separated.]
  `)
  await expect(load({ deployment: 'd.json' }, { XMARGIN_KEEPER_KEYS: '0x1234' })).rejects.toThrow(
    'Invalid environment variable XMARGIN_KEEPER_KEYS (keys.signers[0]): expected a 0x-prefixed 32-byte hex private key',
  )
  await expect(load({ deployment: 'd.json', workers: { liquidateConcurrency: 0 } })).rejects.toThrow(
    /Invalid settings file .*\.json: workers\.liquidateConcurrency: /,
  )
  await expect(load({ deployment: 'd.json', liquidaton: {} })).rejects.toThrow(
    /Invalid settings file .*\.json: /,
  )
  await expect(load({})).rejects.toThrow(/: deployment: /)
  await expect(load({ deployment: 'd.json', keys: { signers: [KEY_A] } })).rejects.toThrow(
    /keys\.signers: secrets never go in a settings file/,
  )
  await expect(load({ deployment: 'd.json', dashboard: { token: 'x'.repeat(20) } })).rejects.toThrow(
    /dashboard\.token: secrets never go in a settings file/,
  )
  await expect(load({ deployment: 'd.json' }, { XMARGIN_KEEPER_KEYS: `${KEY_A},${KEY_A}` })).rejects.toThrow(
    'a key appears twice',
  )
  await expect(
    load({ deployment: 'd.json' }, { XMARGIN_KEEPER_KEYS: KEY_A, XMARGIN_LZ_RELAYER_KEY: KEY_A }),
  ).rejects.toThrow('XMARGIN_LZ_RELAYER_KEY (keys.lzRelayer): it is also in XMARGIN_KEEPER_KEYS')
})

test('behavior: the dashboard needs a token from the environment', async () => {
  await expect(load({ deployment: 'd.json' }, { XMARGIN_KEEPER_KEYS: KEY_A }, true)).rejects.toThrow(
    'Missing environment variable XMARGIN_BULLBOARD_TOKEN (dashboard.token)',
  )
  await expect(
    load({ deployment: 'd.json' }, { XMARGIN_KEEPER_KEYS: KEY_A, XMARGIN_BULLBOARD_TOKEN: 'short' }, true),
  ).rejects.toThrow('Invalid environment variable XMARGIN_BULLBOARD_TOKEN (dashboard.token)')
  const settings = await load(
    { deployment: 'd.json' },
    { XMARGIN_KEEPER_KEYS: KEY_A, XMARGIN_BULLBOARD: 'true', XMARGIN_BULLBOARD_TOKEN: 'a-long-enough-token' },
  )
  expect(settings.dashboard).toEqual({ enabled: true, token: 'a-long-enough-token' })
})
