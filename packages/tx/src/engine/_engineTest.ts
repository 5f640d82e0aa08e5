// Shared setup of the engine tests: one anvil per test file, a fresh Redis prefix per test.
import { Redis } from 'ioredis'
import type { LocalAccount } from 'viem'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { setupChain, type TestChain } from '../_test/chain.js'
import { deletePrefix, freshPrefix, redisUrl } from '../_test/redis.js'
import type { TxEvent } from '../events.js'
import type { TxPolicyInput } from '../policy.js'
import { type CreateTxEngineParameters, createTxEngine, type TxEngine } from './createTxEngine.js'

/** Fast monitor and short leases, so recovery tests take seconds. */
export const FAST_POLICY: TxPolicyInput = {
  pollIntervalMs: 100,
  leaseTtlMs: 1_500,
  leaseWaitMs: 1_000,
  finalityDepth: 2,
}

export type EngineTestContext = {
  chain: TestChain
  redis: Redis
  prefix: string
  events: TxEvent[]
  engine(options?: {
    signers?: LocalAccount[]
    policy?: TxPolicyInput
    client?: CreateTxEngineParameters['client']
    redis?: Redis
    holderId?: string
  }): TxEngine
}

/** Registers the hooks and returns the context the tests read (filled in by the hooks). */
export function useEngineTest(chainId: number): EngineTestContext {
  const engines: TxEngine[] = []
  const context = { events: [] as TxEvent[] } as unknown as EngineTestContext
  beforeAll(async () => {
    context.chain = await setupChain(chainId)
  })
  afterAll(async () => {
    await context.chain.stop()
  })
  beforeEach(() => {
    context.redis = new Redis(redisUrl)
    context.prefix = freshPrefix()
    context.events = []
  })
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.stop({ timeoutMs: 2_000 })
    await deletePrefix(context.redis, context.prefix)
    context.redis.disconnect()
    await context.chain.reset()
  })
  context.engine = (options = {}) => {
    const engine = createTxEngine({
      chainId,
      client: options.client ?? context.chain.client,
      signers: options.signers ?? [context.chain.signers[0]!],
      redis: options.redis ?? context.redis,
      prefix: context.prefix,
      policy: { ...FAST_POLICY, ...options.policy },
      holderId: options.holderId,
      onEvent: (event) => context.events.push(event),
    })
    engines.push(engine)
    return engine
  }
  return context
}
