import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { type RelaySettingsInput, relaySettingsSchema } from '../config/relaySettings.js'
import { createRelay, type Relay } from '../service.js'
import { type RelayDevnet, setupRelayDevnet } from './setupRelayDevnet.js'

/** Anvil keys of the devnet's signer set (accounts 5, 6, 7: public test keys). */
export const SIGNER_KEYS = [5, 6, 7].map((i) => ANVIL_ACCOUNTS[i]!.privateKey)

export type ChainRelays = {
  devnet: RelayDevnet
  prefix: string
  redisUrl: string
  relays: (Relay | undefined)[]
  /** The settings file of node `i` (for `xmargin relay --config`), written on demand; no signer key in it. */
  configFile(i: number, overrides?: Partial<RelaySettingsInput>): Promise<string>
  /** Starts node `i` in this process. */
  start(i: number): Promise<Relay>
  cleanup(): Promise<void>
}

/**
 * Three anvil chains with xmargin deployed by `deployXmargin` (through `setupXmarginDevnet`), Redis with a
 * fresh prefix, and relay nodes with the devnet's signer keys, started on demand.
 */
export async function setupChainRelays(
  options: { settings?: Partial<RelaySettingsInput> } = {},
): Promise<ChainRelays> {
  const dir = await mkdtemp(join(tmpdir(), 'xmargin-relay-'))
  const devnet = await setupRelayDevnet({ deploymentPath: join(dir, 'deployment.json') })
  const prefix = `xr-e2e-${randomUUID().slice(0, 8)}`
  const redisUrl = devnet.devnet.redis.url
  const logger = pino({ level: process.env.XMARGIN_TEST_LOG ?? 'silent' })
  const relays: (Relay | undefined)[] = []
  const fileSettings = (i: number) => ({
    deployment: devnet.devnet.deploymentPath,
    redis: { url: redisUrl, prefix },
    log: { level: process.env.XMARGIN_TEST_LOG ?? 'warn' },
    node: { id: `node-${i}`, heartbeatMs: 200, livenessTtlMs: 1_500, leaderLeaseMs: 1_500 },
    attestation: { heartbeatS: 0, quorumTimeoutMs: 3_000 },
    portfolio: { pollIntervalMs: 50 },
    api: { closeTimeoutMs: 500 },
    ...options.settings,
  })
  return {
    devnet,
    prefix,
    redisUrl,
    relays,
    async configFile(i, overrides = {}) {
      const path = join(dir, `relay-${i}.json`)
      await writeFile(path, JSON.stringify({ ...fileSettings(i), ...overrides }, null, 2))
      return path
    },
    async start(i) {
      const relay = createRelay({
        settings: relaySettingsSchema.parse({ ...fileSettings(i), signer: { key: SIGNER_KEYS[i]! } }),
        logger,
      })
      relays[i] = relay
      await relay.start()
      return relay
    },
    async cleanup() {
      await Promise.all(relays.map((relay) => relay?.stop()))
      const redis = new Redis(redisUrl)
      const keys = await redis.keys(`*${prefix}*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
      await devnet.cleanup()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
