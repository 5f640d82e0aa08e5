import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Devnet, startDevnet } from '@xmargin/devnet'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Deployment file of the devnet the whole suite shares (three chains, Redis, Multicall3). */
    deploymentPath: string
    /** Redis the devnet found or started. */
    redisUrl: string
    /** PIDs of the processes the devnet started, for tests that check nothing is left behind. */
    devnetPids: number[]
  }
}

let devnet: Devnet | undefined
let dir: string | undefined

/** Starts one devnet for the suite; tests read its deployment file via `inject('deploymentPath')`. */
export async function setup(project: TestProject): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'xmargin-test-'))
  devnet = await startDevnet({ chains: 3, deploymentPath: join(dir, 'deployment.json') })
  project.provide('deploymentPath', devnet.deploymentPath)
  project.provide('redisUrl', devnet.redis.url)
  project.provide('devnetPids', [...devnet.pids])
}

export async function teardown(): Promise<void> {
  await devnet?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
}
