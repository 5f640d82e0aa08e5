import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadDeployment } from '@xmargin/config'
import { createPublicClient, http } from 'viem'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { isAlive } from './isAlive.js'
import { type Devnet, startDevnet } from './startDevnet.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xmargin-devnet-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

test('default: three chains with distinct ids, Multicall3, a valid deployment file, nothing left after stop', async () => {
  const lines: string[] = []
  const devnet = await startDevnet({
    deploymentPath: join(dir, 'a.json'),
    onProgress: (line) => lines.push(line),
  })
  let stopped = false
  try {
    const deployment = await loadDeployment(devnet.deploymentPath)
    expect(deployment.chains.map((chain) => chain.chainId)).toEqual([31337, 31338, 31339])
    expect(new Set(devnet.anvils.map((anvil) => anvil.port)).size).toBe(3)
    for (const chain of deployment.chains) {
      const client = createPublicClient({ transport: http(chain.rpcUrls[0]) })
      expect(await client.getChainId()).toBe(chain.chainId)
      expect((await client.getCode({ address: chain.contracts.multicall3 }))?.length).toBeGreaterThan(1000)
    }
    expect(lines.some((line) => line.startsWith('deployment file '))).toBe(true)
    expect(devnet.pids.every(isAlive)).toBe(true)
    await devnet.stop()
    stopped = true
    expect(devnet.pids.filter(isAlive)).toEqual([])
  } finally {
    if (!stopped) await devnet.stop()
  }
})

test('behavior: with no Redis at the URL, a private redis-server is started and stopped', async () => {
  let devnet: Devnet | undefined
  try {
    devnet = await startDevnet({
      chains: 1,
      redisUrl: 'redis://127.0.0.1:1',
      deploymentPath: join(dir, 'b.json'),
    })
    expect(devnet.redis.owned).toBe(true)
    expect(devnet.redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/)
    expect(devnet.pids).toHaveLength(2)
    const { pingRedis } = await import('./findOrStartRedis.js')
    expect(await pingRedis(devnet.redis.url)).toBe(true)
  } finally {
    await devnet?.stop()
  }
  expect(devnet!.pids.filter(isAlive)).toEqual([])
})

test('behavior: a failing setup stops every process it started', async () => {
  let pids: number[] = []
  await expect(
    startDevnet({
      chains: 2,
      deploymentPath: join(dir, 'c.json'),
      setup: async ({ anvils }) => {
        pids = anvils.map((anvil) => anvil.process.pid)
        throw new Error('setup failed on purpose')
      },
    }),
  ).rejects.toThrow('setup failed on purpose')
  expect(pids).toHaveLength(2)
  expect(pids.filter(isAlive)).toEqual([])
})
