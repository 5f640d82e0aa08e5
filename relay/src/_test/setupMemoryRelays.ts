import { type XmarginDomain, xmarginDomain } from '@xmargin/attestation'
import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { pino } from 'pino'
import { getAddress, type LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { type RelaySettingsInput, relaySettingsSchema } from '../config/relaySettings.js'
import { createMemoryPortfolio, type MemoryPortfolio } from '../portfolio/createMemoryPortfolio.js'
import { createRelay, type Relay } from '../service.js'
import { CHAINS, marketSpec } from './memoryMarket.js'
import { setupRedis } from './setupRedis.js'

/** The relay signers of the in-memory tests: anvil accounts 7, 8, 9 (public test keys), ascending. */
export const SIGNERS: LocalAccount[] = [7, 8, 9]
  .map((i) => privateKeyToAccount(ANVIL_ACCOUNTS[i]!.privateKey))
  .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))
const KEYS = new Map(
  [7, 8, 9].map((i) => [
    privateKeyToAccount(ANVIL_ACCOUNTS[i]!.privateKey).address,
    ANVIL_ACCOUNTS[i]!.privateKey,
  ]),
)

/** A made-up RiskGuard per chain: the memory tests never send a transaction. */
export const DOMAINS: ReadonlyMap<number, XmarginDomain> = new Map(
  CHAINS.map((chainId) => [
    chainId,
    xmarginDomain({
      chainId,
      riskGuard: getAddress(`0x${(0xa11ce0 + chainId).toString(16).padStart(40, '0')}`),
    }),
  ]),
)

export type MemoryRelays = {
  relays: Relay[]
  portfolios: MemoryPortfolio[]
  prefix: string
  redis: Awaited<ReturnType<typeof setupRedis>>['redis']
  /** Applies the same change to every node's portfolio (they follow the same chains). */
  apply(change: (portfolio: MemoryPortfolio) => void): void
  /** Waits until every running node has recomputed and its rounds are done. */
  settle(): Promise<void>
  cleanup(): Promise<void>
}

/**
 * Relay nodes in this process over one real Redis (a fresh prefix), each with its own signer and its own
 * in-memory portfolio standing in for the chains (the chain-backed tests use anvil).
 */
export async function setupMemoryRelays(
  options: { nodes?: number; threshold?: number; settings?: Partial<RelaySettingsInput> } = {},
): Promise<MemoryRelays> {
  const count = options.nodes ?? 3
  const ctx = await setupRedis()
  const portfolios = Array.from({ length: count }, () => createMemoryPortfolio(marketSpec))
  const logger = pino({ level: process.env.XMARGIN_TEST_LOG ?? 'silent' })
  const relays = portfolios.map((portfolio, i) =>
    createRelay({
      settings: relaySettingsSchema.parse({
        deployment: 'unused (in-memory portfolio)',
        redis: { url: ctx.url, prefix: ctx.prefix },
        signer: { key: KEYS.get(SIGNERS[i]!.address)! },
        node: { id: `node-${i}`, heartbeatMs: 100, livenessTtlMs: 600, leaderLeaseMs: 600 },
        signerSet: {
          epoch: 1,
          signers: SIGNERS.map((s) => s.address),
          threshold: options.threshold ?? 2,
        },
        attestation: { quorumTimeoutMs: 1_500, anchorWaitMs: 500, heartbeatS: 0 },
        permits: { sweepMs: 100 },
        api: { closeTimeoutMs: 200 },
        ...options.settings,
      }),
      portfolio,
      domains: DOMAINS,
      logger,
    }),
  )
  return {
    relays,
    portfolios,
    prefix: ctx.prefix,
    redis: ctx.redis,
    apply(change) {
      for (const portfolio of portfolios) change(portfolio)
    },
    async settle() {
      for (let round = 0; round < 3; round++) {
        await Promise.all(relays.map((relay) => relay.idle().catch(() => {})))
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    async cleanup() {
      await Promise.all(relays.map((relay) => relay.stop()))
      await ctx.cleanup()
    },
  }
}
