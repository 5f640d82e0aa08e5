import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Deployment, viemChain, writeDeployment } from '@xmargin/config'
import { deployXmargin } from '@xmargin/contracts'
import { type Devnet, startDevnet } from '@xmargin/devnet'
import { createXmarginClient, type XmarginClient } from '@xmargin/sdk'
import { Redis } from 'ioredis'
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { DEMO_ACCOUNTS } from '../accounts.js'
import { freePort } from './freePort.js'
import { type ServiceProcess, spawnService, waitUntilReady } from './spawnService.js'

export type DemoChain = {
  chainId: number
  name: string
  lzEid: number
  config: Deployment['chains'][number]
  publicClient: PublicClient<Transport, Chain>
  /** A wallet client for one of the demo keys on this chain. */
  wallet(privateKey: Hex): WalletClient<Transport, Chain, Account>
}

export type StartStackParameters = {
  /** Deployment file, service settings and logs go here. */
  dir: string
  redisUrl?: string | undefined
  /** Relay nodes (default 3) and their signing threshold (default 2). */
  relays?: number | undefined
  threshold?: number | undefined
  /** Keeper processes (default 2). */
  keepers?: number | undefined
  /** anvil block time in seconds; default one block per transaction. */
  blockTimeS?: number | undefined
  /**
   * Confirmations per chain, in deployment order (default 0): how deep a block must be before keepers
   * deliver LayerZero packets sent in it. A chain that may reorg needs more than the reorg's depth.
   */
  confirmations?: ReadonlyArray<number | undefined> | undefined
  /** Extra relay settings, merged over the demo's. */
  relaySettings?: Record<string, unknown> | undefined
  /** Extra keeper settings, merged over the demo's. */
  keeperSettings?: Record<string, unknown> | undefined
  onLine?: ((line: string) => void) | undefined
}

export type Stack = {
  dir: string
  devnet: Devnet
  deployment: Deployment
  redisUrl: string
  /** Redis key prefix of this run (relays, keepers, queues, ledgers). */
  prefix: string
  chains: DemoChain[]
  relays: ServiceProcess[]
  keepers: ServiceProcess[]
  /** A client of the first relay node that is up. */
  api(): XmarginClient
  /** Index of the relay node holding the leader lease, if any does. */
  leader(): Promise<number | undefined>
  /** Starts relay `index` again (after a kill or stop) and waits until it answers. */
  restartRelay(index: number): Promise<ServiceProcess>
  /** Starts keeper `index` again and waits until it answers. */
  restartKeeper(index: number): Promise<ServiceProcess>
  /** Stops services (SIGTERM), chains and Redis keys of this run; idempotent. */
  stop(): Promise<void>
}

/**
 * The whole devnet as `npm start` runs it: three anvil chains and Redis, xmargin deployed and wired on
 * every chain, relay nodes (each with its own signer key) and keeper processes sharing one Redis.
 */
export async function startStack(parameters: StartStackParameters): Promise<Stack> {
  const { dir, relays: relayCount = 3, threshold = 2, keepers: keeperCount = 2 } = parameters
  const say = parameters.onLine ?? (() => {})
  await mkdir(dir, { recursive: true })
  const signers = DEMO_ACCOUNTS.relaySigners.slice(0, relayCount)
  const devnet = await startDevnet({
    chains: 3,
    deploymentPath: join(dir, 'deployment.json'),
    redisUrl: parameters.redisUrl,
    blockTimeS: parameters.blockTimeS,
    setup: async ({ deployment }) =>
      deployXmargin({
        chains: deployment.chains.map((chain) => ({
          chainId: chain.chainId,
          name: chain.name,
          rpcUrl: chain.rpcUrls[0]!,
          lzEid: chain.lzEid,
          multicall3: chain.contracts.multicall3,
        })),
        deployerKey: DEMO_ACCOUNTS.deployer.privateKey,
        signers: { addresses: signers.map((signer) => signer.address), threshold },
        relayerAddress: DEMO_ACCOUNTS.lzRelayer.address,
        venueAddress: DEMO_ACCOUNTS.marketMaker.address,
        backstopAddress: DEMO_ACCOUNTS.deployer.address,
      }),
  })
  const prefix = `demo-${Date.now().toString(36)}`
  const services: { relays: ServiceProcess[]; keepers: ServiceProcess[] } = { relays: [], keepers: [] }
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      await Promise.all([...services.keepers, ...services.relays].map((service) => service.stop()))
      await deleteKeys(devnet.redis.url, prefix).catch(() => {})
      await devnet.stop()
    })()
    return stopping
  }

  try {
    let deployment = devnet.deployment
    if (parameters.confirmations?.some((value) => value !== undefined)) {
      deployment = await writeDeployment(devnet.deploymentPath, {
        ...deployment,
        chains: deployment.chains.map((chain, i) => ({
          ...chain,
          confirmations: parameters.confirmations?.[i] ?? chain.confirmations,
        })),
      })
      // Bury the deployment under the confirmations, so services that read `head − confirmations` start
      // with every contract and listed instrument in view.
      await Promise.all(
        deployment.chains.map(async (chain) => {
          if (chain.confirmations === 0) return
          const client = createPublicClient({ transport: http(chain.rpcUrls[0]) })
          await client.request({
            method: 'anvil_mine' as never,
            params: [`0x${chain.confirmations.toString(16)}`] as never,
          })
        }),
      )
    }
    for (const chain of deployment.chains)
      say(
        `chain ${chain.name} (${chain.chainId}) at ${chain.rpcUrls[0]} (anvil pid ${devnet.anvils.find((anvil) => anvil.chainId === chain.chainId)?.process.pid}): xmargin deployed`,
      )
    say(
      `redis ${devnet.redis.url}${devnet.redis.process ? ` (started here, pid ${devnet.redis.process.pid})` : ''}, keys under ${prefix}; deployment file ${devnet.deploymentPath}`,
    )

    const common = {
      deployment: devnet.deploymentPath,
      redis: { url: devnet.redis.url, prefix },
      log: { level: 'info' },
    }
    const relayFile = join(dir, 'relay.json')
    await writeFile(
      relayFile,
      json({
        ...common,
        portfolio: { pollIntervalMs: 50, coalesceMs: 25 },
        ...parameters.relaySettings,
      }),
    )
    const keeperFile = join(dir, 'keeper.json')
    await writeFile(
      keeperFile,
      json({
        ...common,
        lz: { pollIntervalMs: 50 },
        ...parameters.keeperSettings,
      }),
    )

    const startRelay = async (index: number) => {
      const service = spawnService({
        name: `relay-${index}`,
        kind: 'relay',
        configFile: relayFile,
        port: await freePort(),
        logFile: join(dir, `relay-${index}.log`),
        env: { XMARGIN_SIGNER_KEY: signers[index]!.privateKey, XMARGIN_NODE_ID: `relay-${index}` },
      })
      services.relays[index] = service
      return service
    }
    const startKeeper = async (index: number) => {
      const service = spawnService({
        name: `keeper-${index}`,
        kind: 'keeper',
        configFile: keeperFile,
        port: await freePort(),
        logFile: join(dir, `keeper-${index}.log`),
        env: {
          XMARGIN_KEEPER_KEYS: DEMO_ACCOUNTS.keepers[index % DEMO_ACCOUNTS.keepers.length]!.privateKey,
          XMARGIN_LZ_RELAYER_KEY: DEMO_ACCOUNTS.lzRelayer.privateKey,
        },
      })
      services.keepers[index] = service
      return service
    }

    const relays = await Promise.all(Array.from({ length: relayCount }, (_, i) => startRelay(i)))
    const keepers = await Promise.all(Array.from({ length: keeperCount }, (_, i) => startKeeper(i)))
    // A relay is ready (200) once every signer is alive; a standby keeper answers 206.
    await Promise.all([
      ...relays.map((relay) => waitUntilReady(relay, { statuses: [200] })),
      ...keepers.map((keeper) => waitUntilReady(keeper, { statuses: [200, 206] })),
    ])
    for (const relay of relays) say(`${relay.name} up at ${relay.url} (pid ${relay.pid})`)
    for (const keeper of keepers) say(`${keeper.name} up at ${keeper.url} (pid ${keeper.pid})`)

    const chains: DemoChain[] = deployment.chains.map((config) => {
      const chain = viemChain(config)
      const transport = http(config.rpcUrls[0])
      return {
        chainId: config.chainId,
        name: config.name,
        lzEid: config.lzEid,
        config,
        publicClient: createPublicClient({ chain, transport, pollingInterval: 50 }),
        wallet: (privateKey: Hex) =>
          createWalletClient({ chain, transport, account: privateKeyToAccount(privateKey) }),
      }
    })

    return {
      dir,
      devnet,
      deployment,
      redisUrl: devnet.redis.url,
      prefix,
      chains,
      relays: services.relays,
      keepers: services.keepers,
      api() {
        const relay = services.relays.find((service) => service?.isRunning())
        return createXmarginClient({ baseUrl: (relay ?? services.relays[0]!).url })
      },
      async leader() {
        const redis = new Redis(devnet.redis.url, { maxRetriesPerRequest: 1 })
        try {
          const value = await redis.get(`{${prefix}:relay}:leader`)
          const match = value?.match(/^relay-(\d+)\|\d+$/)
          return match ? Number(match[1]) : undefined
        } finally {
          redis.disconnect()
        }
      },
      async restartRelay(index) {
        const service = await startRelay(index)
        await waitUntilReady(service, { statuses: [200, 206] })
        return service
      },
      async restartKeeper(index) {
        const service = await startKeeper(index)
        await waitUntilReady(service, { statuses: [200, 206] })
        return service
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** Removes every Redis key of a run (hash-tagged keys contain the prefix). */
async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length) await redis.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
