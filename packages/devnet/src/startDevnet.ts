import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { type Deployment, type DeploymentInput, writeDeployment } from '@xmargin/config'
import { deployMulticall3 } from '@xmargin/contracts'
import { createClient, http } from 'viem'
import { type DevnetRedis, findOrStartRedis } from './findOrStartRedis.js'
import { type Anvil, spawnAnvil } from './spawnAnvil.js'

/** The chains a devnet starts by default: three, like the demo. */
export const DEVNET_CHAINS = [
  { chainId: 31337, name: 'devnet-a', lzEid: 40101 },
  { chainId: 31338, name: 'devnet-b', lzEid: 40102 },
  { chainId: 31339, name: 'devnet-c', lzEid: 40103 },
] as const

export type DevnetChainSpec = { chainId: number; name: string; lzEid: number }

export type DevnetSetupContext = {
  /** The deployment so far: chains, RPC URLs and Multicall3. */
  deployment: DeploymentInput
  anvils: readonly Anvil[]
  redisUrl: string
  onProgress: (line: string) => void
}

export type StartDevnetParameters = {
  /** How many chains (ids 31337, 31338, … ) or exactly which. Default 3. */
  chains?: number | readonly DevnetChainSpec[] | undefined
  /** Redis to use when it answers; default `REDIS_URL` or redis://127.0.0.1:6379. */
  redisUrl?: string | undefined
  /** Where to write the deployment file. Default `.devnet/deployment.json` under the current directory. */
  deploymentPath?: string | undefined
  /** anvil block time in seconds; default automine. */
  blockTimeS?: number | undefined
  /** anvil block gas limit; default anvil's (30 000 000). */
  gasLimit?: bigint | number | undefined
  /** Deploys more on top of Multicall3 (contracts, tokens) and returns the extended deployment. */
  setup?: ((context: DevnetSetupContext) => Promise<DeploymentInput>) | undefined
  /** Receives one human line per step. */
  onProgress?: ((line: string) => void) | undefined
}

export type Devnet = {
  deployment: Deployment
  deploymentPath: string
  anvils: readonly Anvil[]
  redis: DevnetRedis
  /** PIDs of every process this devnet started (anvils, and redis-server when it started one). */
  pids: readonly number[]
  /** Stops every process the devnet started; idempotent. */
  stop(): Promise<void>
}

/**
 * Starts N anvil chains on free ports and finds (or starts) Redis, deploys Multicall3 on every chain,
 * runs `setup`, and writes a validated deployment file. On any failure it stops what it started.
 *
 * @example
 * const devnet = await startDevnet({ chains: 3 })
 * try { ... } finally { await devnet.stop() }
 */
export async function startDevnet(parameters: StartDevnetParameters = {}): Promise<Devnet> {
  const onProgress = parameters.onProgress ?? (() => {})
  const specs = chainSpecs(parameters.chains ?? 3)
  const deploymentPath = resolve(parameters.deploymentPath ?? '.devnet/deployment.json')

  const started: Array<{ stop(): Promise<void> }> = []
  const stopAll = async () => {
    await Promise.all(started.splice(0).map((item) => item.stop()))
  }
  try {
    const [redis, ...anvils] = await Promise.all([
      findOrStartRedis({ url: parameters.redisUrl, onProgress }).then((redis) => {
        started.push(redis)
        return redis
      }),
      ...specs.map((spec) =>
        spawnAnvil({
          chainId: spec.chainId,
          blockTimeS: parameters.blockTimeS,
          gasLimit: parameters.gasLimit,
        }).then((anvil) => {
          started.push(anvil.process)
          return anvil
        }),
      ),
    ])
    for (const anvil of anvils)
      onProgress(`chain ${anvil.chainId} up at ${anvil.rpcUrl} (pid ${anvil.process.pid})`)
    onProgress(`redis at ${redis.url}${redis.owned ? ` (started, pid ${redis.process?.pid})` : ''}`)

    const multicalls = await Promise.all(
      anvils.map((anvil) => deployMulticall3(createClient({ transport: http(anvil.rpcUrl) }))),
    )
    let deployment: DeploymentInput = {
      version: 1,
      name: 'devnet',
      createdAt: new Date().toISOString(),
      chains: specs.map((spec, i) => ({
        chainId: spec.chainId,
        name: spec.name,
        rpcUrls: [anvils[i]!.rpcUrl],
        lzEid: spec.lzEid,
        confirmations: 0,
        contracts: { multicall3: multicalls[i]!.address },
      })),
    }
    onProgress(`Multicall3 on ${anvils.length} chains at ${multicalls[0]!.address}`)
    if (parameters.setup)
      deployment = await parameters.setup({ deployment, anvils, redisUrl: redis.url, onProgress })

    await mkdir(dirname(deploymentPath), { recursive: true })
    const written = await writeDeployment(deploymentPath, deployment)
    onProgress(`deployment file ${deploymentPath}`)

    const pids = [...anvils.map((anvil) => anvil.process.pid), ...(redis.process ? [redis.process.pid] : [])]
    let stopping: Promise<void> | undefined
    return {
      deployment: written,
      deploymentPath,
      anvils,
      redis,
      pids,
      stop: () => {
        stopping ??= stopAll()
        return stopping
      },
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}

function chainSpecs(chains: number | readonly DevnetChainSpec[]): readonly DevnetChainSpec[] {
  if (typeof chains !== 'number') return chains
  return Array.from({ length: chains }, (_, i) => ({
    chainId: 31337 + i,
    name: `devnet-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`,
    lzEid: 40101 + i,
  }))
}
