import { createJobQueue } from '@xmargin/queue'
import { Redis } from 'ioredis'
import { Counter, Registry } from 'prom-client'
import { afterAll, expect, test } from 'vitest'
import { deletePrefix, freshPrefix, redisUrl } from './_test/redis.js'
import { createKeeperHttp, type Readiness, readinessOf } from './http.js'

const redis = new Redis(redisUrl)
afterAll(() => redis.disconnect())

test('default: ready, degraded, not ready from the checks', () => {
  expect(readinessOf([{ name: 'redis', state: 'ok' }])).toEqual({ status: 'ready', checks: { redis: 'ok' } })
  expect(
    readinessOf([
      { name: 'redis', state: 'ok' },
      { name: 'chain:31337:main', state: 'degraded', detail: 'standby' },
    ]).status,
  ).toBe('degraded')
  expect(
    readinessOf([
      { name: 'state', state: 'failed', detail: 'stopping' },
      { name: 'chain:31337:main', state: 'degraded' },
    ]),
  ).toEqual({ status: 'notReady', checks: { state: 'failed: stopping', 'chain:31337:main': 'degraded' } })
})

test('behavior: /healthz, /readyz 200/206/503, /metrics, no dashboard unless asked for', async () => {
  const registry = new Registry()
  new Counter({ name: 'keeper_test_total', help: 'test', registers: [registry] }).inc()
  let readiness: Readiness = { status: 'ready', checks: {} }
  const app = await createKeeperHttp({ registry, readiness: async () => readiness })
  expect((await app.inject('/healthz')).statusCode).toBe(200)
  expect((await app.inject('/readyz')).statusCode).toBe(200)
  readiness = { status: 'degraded', checks: { 'chain:1:main': 'degraded' } }
  expect((await app.inject('/readyz')).statusCode).toBe(206)
  readiness = { status: 'notReady', checks: { state: 'failed: stopping' } }
  const notReady = await app.inject('/readyz')
  expect([notReady.statusCode, notReady.json()]).toEqual([503, readiness])
  expect((await app.inject('/metrics')).body).toContain('keeper_test_total 1')
  expect((await app.inject('/admin/queues')).statusCode).toBe(404)
  await app.close()
})

test('behavior: the dashboard answers only with the bearer token', async () => {
  const prefix = freshPrefix()
  const queue = createJobQueue({ kind: 'liquidate', chainId: 31337, connection: redis, basePrefix: prefix })
  const token = 'a-dashboard-token-for-tests'
  const app = await createKeeperHttp({
    registry: new Registry(),
    readiness: async () => ({ status: 'ready', checks: {} }),
    dashboard: { token, queues: () => [queue.queue] },
  })
  try {
    expect((await app.inject('/admin/queues')).statusCode).toBe(401)
    expect(
      (await app.inject({ url: '/admin/queues', headers: { authorization: 'Bearer wrong' } })).statusCode,
    ).toBe(401)
    expect((await app.inject('/admin/queues/api/queues')).statusCode).toBe(401)
    const page = await app.inject({ url: '/admin/queues', headers: { authorization: `Bearer ${token}` } })
    expect(page.statusCode).toBe(200)
    const api = await app.inject({
      url: '/admin/queues/api/queues',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(api.statusCode).toBe(200)
    expect(api.body).toContain('liquidate-31337')
    // A browser passes the token once; the cookie carries it afterwards.
    const first = await app.inject(`/admin/queues?token=${token}`)
    expect(first.statusCode).toBe(200)
    const cookie = String(first.headers['set-cookie']).split(';')[0]!
    expect((await app.inject({ url: '/admin/queues/api/queues', headers: { cookie } })).statusCode).toBe(200)
    // The rest of the server does not need it.
    expect((await app.inject('/healthz')).statusCode).toBe(200)
  } finally {
    await app.close()
    await queue.close()
    await deletePrefix(redis, prefix)
  }
})
