import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { loadRelaySettings } from './loadRelaySettings.js'

const KEY = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba' // anvil's public test key 5
let dir: string
const file = async (name: string, content: unknown) => {
  const path = join(dir, name)
  await writeFile(path, JSON.stringify(content))
  return path
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xmargin-relay-config-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

test('default: a file and the signer key from the environment, defaults filled in', async () => {
  const path = await file('relay.json', { deployment: 'deployment.json', http: { port: 8080 } })
  const settings = await loadRelaySettings({
    file: path,
    env: { XMARGIN_SIGNER_KEY: KEY, XMARGIN_NODE_ID: 'relay-a' },
  })
  expect(settings).toMatchObject({
    deployment: 'deployment.json',
    http: { host: '127.0.0.1', port: 8080 },
    node: { id: 'relay-a', leaderLeaseMs: 5_000 },
    signer: { key: KEY },
    attestation: { lifetimeS: 120, heartbeatS: 60, relTolerance: 0.02 },
    permits: { ttlS: 300, graceS: 60 },
    bands: { healthy: 1.5, warning: 1.2 },
  })
})

test('behavior: a signer key in the file is refused, naming the file', async () => {
  const path = await file('with-key.json', { deployment: 'd.json', signer: { key: KEY } })
  await expect(loadRelaySettings({ file: path, env: {} })).rejects.toThrow(
    `Invalid settings file ${path}: signer: a signer key never goes in a file`,
  )
})

test('behavior: errors name the variable or the file and field', async () => {
  const path = await file('relay.json', { deployment: 'd.json' })
  await expect(loadRelaySettings({ file: path, env: {} })).rejects.toThrow(
    /Missing environment variable XMARGIN_SIGNER_KEY/,
  )
  await expect(loadRelaySettings({ file: path, env: { XMARGIN_SIGNER_KEY: '0x12' } })).rejects.toThrow(
    'Invalid environment variable XMARGIN_SIGNER_KEY (signer.key): expected a 0x-prefixed 32-byte hex private key',
  )
  const bands = await file('bands.json', { deployment: 'd.json', bands: { healthy: 1.2, warning: 1.3 } })
  await expect(loadRelaySettings({ file: bands, env: { XMARGIN_SIGNER_KEY: KEY } })).rejects.toThrow(
    `Invalid settings file ${bands}: bands.warning: must be below bands.healthy`,
  )
  await expect(
    loadRelaySettings({ file: path, env: { XMARGIN_SIGNER_KEY: KEY, XMARGIN_PERMIT_TTL_S: 'soon' } }),
  ).rejects.toThrow(/Invalid environment variable XMARGIN_PERMIT_TTL_S \(permits\.ttlS\)/)
})
