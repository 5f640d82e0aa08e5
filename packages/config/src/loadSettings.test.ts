import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { loadSettings } from './loadSettings.js'
import { serviceEnvBindings, serviceSettingsSchema } from './serviceSettings.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xmargin-settings-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const load = (file: string | undefined, env: NodeJS.ProcessEnv) =>
  loadSettings({ schema: serviceSettingsSchema, file, env, bindings: serviceEnvBindings })

test('default', async () => {
  const file = join(dir, 'ok.json')
  await writeFile(file, JSON.stringify({ deployment: 'd.json', http: { port: 9000 } }))
  expect(await load(file, { XMARGIN_LOG_LEVEL: 'debug' })).toMatchInlineSnapshot(`
    {
      "deployment": "d.json",
      "http": {
        "host": "127.0.0.1",
        "port": 9000,
      },
      "log": {
        "level": "debug",
      },
      "redis": {
        "prefix": "xmargin",
        "url": "redis://127.0.0.1:6379",
      },
    }
  `)
})

test('behavior: the environment overrides the file', async () => {
  const file = join(dir, 'env.json')
  await writeFile(file, JSON.stringify({ deployment: 'd.json', redis: { url: 'redis://a:1' } }))
  const settings = await load(file, { REDIS_URL: 'redis://b:2', XMARGIN_HTTP_PORT: '8080' })
  expect([settings.redis.url, settings.http.port]).toEqual(['redis://b:2', 8080])
})

test('behavior: a bad environment variable is named', async () => {
  await expect(
    load(undefined, { XMARGIN_DEPLOYMENT: 'd.json', XMARGIN_HTTP_PORT: 'eighty' }),
  ).rejects.toThrow(
    'Invalid environment variable XMARGIN_HTTP_PORT (http.port): Invalid input: expected number, received string',
  )
  await expect(load(undefined, { XMARGIN_DEPLOYMENT: 'd.json', REDIS_URL: 'http://x' })).rejects.toThrow(
    'Invalid environment variable REDIS_URL (redis.url): expected a redis:// or rediss:// URL',
  )
})

test('behavior: a bad file field is named with the file', async () => {
  const file = join(dir, 'bad.json')
  await writeFile(file, JSON.stringify({ deployment: 'd.json', log: { level: 'loud' } }))
  await expect(load(file, {})).rejects.toThrow(`Invalid settings file ${file}: log.level: Invalid option`)
  await expect(load(undefined, {})).rejects.toThrow('Invalid settings (no file given): deployment: ')
})
