import { Redis } from 'ioredis'
import { afterAll, expect, test } from 'vitest'
import { freshPrefix, redisUrl, until } from '../_test/redis.js'
import { createLeaderLease } from './createLeaderLease.js'

const redis = new Redis(redisUrl)
afterAll(() => redis.disconnect())

test('default: one leader among many; another takes over when it stops or dies', async () => {
  const key = `{${freshPrefix()}:keeper-lz}:watcher:1`
  const log: string[] = []
  const lease = (name: string, client: Redis = redis) =>
    createLeaderLease({
      redis: client,
      key,
      holderId: name,
      ttlMs: 300,
      onAcquired: () => void log.push(`${name} leads`),
      onLost: () => void log.push(`${name} stops`),
    })
  const [a, b] = [lease('a'), lease('b')]
  await a.start()
  await b.start()
  expect([a.isLeader(), b.isLeader()]).toEqual([true, false])
  await a.stop()
  await until(() => b.isLeader(), 5_000, 'b to lead')
  // A leader that dies (its connection gone, no release) is replaced once its lease lapses.
  const doomed = new Redis(redisUrl)
  const c = lease('c', doomed)
  await b.stop()
  await c.start()
  await until(() => c.isLeader(), 5_000, 'c to lead')
  doomed.disconnect()
  const d = lease('d')
  await d.start()
  await until(() => d.isLeader(), 5_000, 'd to lead after c died')
  await d.stop()
  await c.stop()
  expect(log.slice(0, 5)).toEqual(['a leads', 'a stops', 'b leads', 'b stops', 'c leads'])
  expect(log).toContain('d leads')
  await redis.del(key)
})
