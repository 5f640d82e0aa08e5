import {
  type KeeperSettings,
  type KeeperSettingsInput,
  keeperSettingsSchema,
} from '../config/keeperSettings.js'
import { checkKeeperSettings } from '../config/loadKeeperSettings.js'
import { redisUrl } from './redis.js'

/** Settings for a keeper under test: fast polls and leases, no rate limits, quiet logs. */
export function testSettingsInput(parameters: {
  deploymentPath: string
  prefix: string
  keys: readonly string[]
  relayerKey?: string | undefined
  overrides?: Partial<KeeperSettingsInput> | undefined
}): KeeperSettingsInput {
  const { overrides = {} } = parameters
  return {
    deployment: parameters.deploymentPath,
    redis: { url: redisUrl, prefix: parameters.prefix },
    log: { level: (process.env.KEEPER_TEST_LOG as 'info' | undefined) ?? 'silent' },
    ...overrides,
    keys: {
      signers: [...parameters.keys],
      ...(parameters.relayerKey ? { lzRelayer: parameters.relayerKey } : {}),
    },
    workers: { lockDurationMs: 5_000, stalledIntervalMs: 2_000, closeTimeoutMs: 5_000, ...overrides.workers },
    liquidation: { retryDelayMs: 1_000, waitTimeoutMs: 60_000, ...overrides.liquidation },
    lz: { pollIntervalMs: 200, leaseTtlMs: 3_000, ...overrides.lz },
    tx: { pollIntervalMs: 200, receiptPollMs: 50, leaseTtlMs: 3_000, leaseWaitMs: 3_000, ...overrides.tx },
    rpc: {
      ratePerSecond: 100_000,
      burst: 100_000,
      maxConcurrent: 256,
      rank: { intervalMs: 0 },
      ...overrides.rpc,
    },
  }
}

export function testSettings(parameters: Parameters<typeof testSettingsInput>[0]): KeeperSettings {
  return checkKeeperSettings(keeperSettingsSchema.parse(testSettingsInput(parameters)))
}
