import { type ChainEvent, createChainClients, type LogEvent } from '@xmargin/chain'
import {
  type DevnetChain,
  seedDeposits,
  settleTrade,
  setupXmarginDevnet,
  type XmarginDevnet,
} from '@xmargin/chain/testing'
import { collateralVaultAbi, mockAggregatorAbi, positionBookAbi } from '@xmargin/contracts'
import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { buildRiskArrays, computeMargin, marginFromRiskArrays, parseMarginInput } from '@xmargin/margin'
import { Registry } from 'prom-client'
import { type Address, getAddress, type Hex } from 'viem'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { setupRedis } from '../_test/setupRedis.js'
import { toRiskArrayAccount } from '../input/toRiskArrayAccount.js'
import { createPortfolioSync, type PortfolioUpdate } from './createPortfolioSync.js'

const WAD = 10n ** 18n
const USDC = 10n ** 6n
const MULTICALL3: Address = '0xcA11bde05977b3631167028862bE2a173976CA11'
const alice = ANVIL_ACCOUNTS[2]!.address
const maker = ANVIL_ACCOUNTS[3]!.address
const carol = ANVIL_ACCOUNTS[8]!.address

let devnet: XmarginDevnet
let A: DevnetChain
let B: DevnetChain
let C: DevnetChain
let snapshots: Hex[] = []

beforeAll(async () => {
  devnet = await setupXmarginDevnet()
  ;[A, B, C] = devnet.chains as [DevnetChain, DevnetChain, DevnetChain]
  snapshots = await Promise.all(devnet.chains.map((chain) => chain.test.snapshot()))
}, 120_000)
afterAll(async () => {
  await devnet?.cleanup()
})
// Every test starts from the fresh deployment.
afterEach(async () => {
  await Promise.all(devnet.chains.map((chain, i) => chain.test.revert({ id: snapshots[i]! })))
  snapshots = await Promise.all(devnet.chains.map((chain) => chain.test.snapshot()))
})

let redis: Awaited<ReturnType<typeof setupRedis>>
beforeEach(async () => {
  redis = await setupRedis()
})
afterEach(async () => {
  await redis.cleanup()
})

async function deposit(chain: DevnetChain, token: 'USDC' | 'WETH', deposits: Array<[Address, bigint]>) {
  await seedDeposits({
    wallet: chain.admin,
    publicClient: chain.publicClient,
    multicall3: MULTICALL3,
    vault: chain.xmargin.contracts.collateralVault,
    token: chain.xmargin.tokens[token].address,
    deposits: deposits.map(([account, amount]) => ({ account, amount })),
  })
}

async function trade(
  chain: DevnetChain,
  instrumentId: number,
  buyer: Address,
  seller: Address,
  size: bigint,
  price: bigint,
) {
  await settleTrade({
    venue: chain.venue,
    publicClient: chain.publicClient,
    positionBook: chain.xmargin.contracts.positionBook,
    riskGuard: chain.xmargin.contracts.riskGuard,
    signers: devnet.signers.slice(0, 2),
    instrumentId,
    buyer,
    seller,
    size,
    price,
  })
}

/** Collateral on A, perpetuals on B, options on C. */
async function seedPortfolio() {
  await deposit(A, 'WETH', [[alice, 5n * WAD]])
  await deposit(A, 'USDC', [[alice, 10_000n * USDC]])
  await deposit(B, 'USDC', [
    [alice, 2_000n * USDC],
    [maker, 1_000_000n * USDC],
  ])
  await deposit(C, 'USDC', [[maker, 1_000_000n * USDC]])
  await trade(B, B.xmargin.instruments.ethPerp, alice, maker, 2n * WAD, 3_000n * WAD)
  await trade(C, C.xmargin.instruments.ethCall, alice, maker, 3n * WAD, 150n * WAD)
}

/** What one chain holds for an account at a block, read directly from the contracts. */
async function onChain(chain: DevnetChain, account: Address, blockNumber: bigint) {
  const balances = new Map<Address, bigint>()
  for (const token of Object.values(chain.xmargin.tokens)) {
    const balance = await chain.publicClient.readContract({
      address: chain.xmargin.contracts.collateralVault,
      abi: collateralVaultAbi,
      functionName: 'balanceOf',
      args: [account, token.address],
      blockNumber,
    })
    if (balance !== 0n) balances.set(getAddress(token.address), balance)
  }
  const positions = new Map<number, { size: bigint; openNotional: bigint; fundingIndex: bigint }>()
  for (const id of Object.values(chain.xmargin.instruments)) {
    const position = await chain.publicClient.readContract({
      address: chain.xmargin.contracts.positionBook,
      abi: positionBookAbi,
      functionName: 'position',
      args: [account, id],
      blockNumber,
    })
    if (position.size !== 0n) positions.set(id, { ...position })
  }
  return { balances, positions }
}

/** Collects every log event the portfolio receives, by id, counting any id seen twice on the live chain. */
function recorder() {
  const updates: PortfolioUpdate[] = []
  const live = new Map<string, ChainEvent>()
  let duplicates = 0
  return {
    updates,
    live,
    duplicates: () => duplicates,
    onUpdate: (update: PortfolioUpdate) => {
      updates.push(update)
      for (const event of update.batch.events) {
        if (event.kind === 'reorg') {
          for (const [id, kept] of live)
            if (
              kept.kind !== 'reorg' &&
              kept.chainId === event.chainId &&
              kept.blockNumber >= event.fromBlock
            )
              live.delete(id)
          continue
        }
        if (live.has(event.id)) duplicates++
        live.set(event.id, event)
      }
    },
    deposits: () =>
      [...live.values()].filter((event): event is LogEvent & { kind: 'deposit' } => event.kind === 'deposit'),
  }
}

test('default: collateral on A, perps on B, options on C make one portfolio with the chains’ anchors', async () => {
  await seedPortfolio()
  const clients = createChainClients({ deployment: devnet.deployment })
  const record = recorder()
  const sync = createPortfolioSync({
    clients,
    redis: redis.redis,
    keyPrefix: redis.prefix,
    accounts: [alice, maker],
    onUpdate: record.onUpdate,
  })
  try {
    await sync.syncOnce()
    // Incremental from here: another deposit on A and a bigger perp on B after the start-up snapshot.
    await deposit(A, 'USDC', [[alice, 500n * USDC]])
    await trade(B, B.xmargin.instruments.ethPerp, alice, maker, WAD, 3_010n * WAD)
    await sync.syncOnce()
    expect(
      record.updates.map((update) => update.result.applied).reduce((a, b) => a + b, 0),
    ).toBeGreaterThanOrEqual(3)

    const portfolio = sync.store.account(alice)
    for (const chain of devnet.chains) {
      const head = await chain.publicClient.getBlock()
      const anchor = portfolio.anchors.find((candidate) => candidate.chainId === chain.chainId)
      expect(anchor).toEqual({ chainId: chain.chainId, blockNumber: head.number, blockHash: head.hash })
      const view = portfolio.chains[chain.chainId]!
      const expected = await onChain(chain, alice, head.number)
      expect(new Map(view.balances)).toEqual(expected.balances)
      expect(new Map(view.positions)).toEqual(expected.positions)
    }
    expect(portfolio.chains[A.chainId]!.balances.get(A.xmargin.tokens.WETH.address)).toBe(5n * WAD)
    expect(portfolio.chains[A.chainId]!.balances.get(A.xmargin.tokens.USDC.address)).toBe(10_500n * USDC)
    expect(portfolio.chains[B.chainId]!.positions.get(B.xmargin.instruments.ethPerp)?.size).toBe(3n * WAD)
    expect(portfolio.chains[C.chainId]!.positions.get(C.xmargin.instruments.ethCall)?.size).toBe(3n * WAD)

    // The XPM-1 input: cash from every vault, WETH on the home chain, the perp on B and the call on C.
    const { input, anchors } = sync.marginInput(alice)
    expect(anchors).toEqual(portfolio.anchors)
    expect(() => parseMarginInput(input)).not.toThrow()
    expect(input.cash).toBeCloseTo(12_500 - 450, 9) // 10 500 on A + 2 000 on B − 450 of call premium (openNotional)
    expect(input.collateral).toEqual([
      { asset: 'WETH', chainId: A.chainId, amount: 5, price: 3_000, haircut: 0.1, chainPenalty: 0 },
    ])
    const [unit] = input.units
    expect(unit).toMatchObject({ underlying: 'ETH', spot: 3_000 })
    expect(unit!.perps).toEqual([
      {
        id: `${B.chainId}:${B.xmargin.instruments.ethPerp}`,
        chainId: B.chainId,
        size: 3,
        markPrice: 3_000,
        unrealisedPnl: -10,
      },
    ])
    expect(unit!.options).toEqual([
      {
        id: `${C.chainId}:${C.xmargin.instruments.ethCall}`,
        chainId: C.chainId,
        expiry: Number(C.xmargin.optionExpiry),
        strike: 3_000,
        isCall: true,
        amount: 3,
        vol: 0.64,
      },
    ])
    const direct = computeMargin(input)
    // The market state once, then the account on the risk arrays: the same margin.
    const { market, structure, missing } = sync.riskMarket({ asOf: input.asOf })
    expect(missing).toEqual([])
    expect(structure.units.map((u) => [u.underlying, u.perps.length, u.options.length])).toEqual([
      ['BTC', 3, 0],
      ['ETH', 3, 6],
    ])
    const fast = marginFromRiskArrays(
      buildRiskArrays(market),
      toRiskArrayAccount({
        portfolio,
        riskMarket: market,
        markets: sync.store.markets(),
        config: sync.config,
      }),
    )
    expect(fast.equity).toBeCloseTo(direct.equity, 6)
    expect(fast.maintenanceMargin).toBeCloseTo(direct.maintenanceMargin, 6)

    // A price move on C reaches everyone exposed to ETH, on any chain.
    const hash = await C.admin.writeContract({
      address: C.xmargin.feeds.ETH!,
      abi: mockAggregatorAbi,
      functionName: 'setAnswer',
      args: [2_700n * 10n ** 8n],
    })
    await C.publicClient.waitForTransactionReceipt({ hash })
    const before = record.updates.length
    await sync.syncOnce()
    const priceUpdate = record.updates.slice(before).find((update) => update.result.priceMoves.has('ETH'))
    expect([...(priceUpdate?.affected ?? [])].sort()).toEqual(
      [alice, maker].map((address) => getAddress(address)).sort(),
    )
    expect(sync.marginInput(alice).input.units[0]?.spot).toBe(3_000) // spot comes from the home chain A
    expect(sync.store.market(C.chainId)?.prices.get(structure.units[1]!.key)?.price).toBe(2_700n * WAD)
    expect(record.duplicates()).toBe(0)

    // An account the portfolio never tracked appears in an event on B: its holdings on A are read too.
    await deposit(A, 'WETH', [[carol, WAD]])
    await deposit(B, 'USDC', [[carol, 77n * USDC]])
    await sync.syncOnce()
    const carols = sync.store.account(carol)
    expect(carols.chains[B.chainId]!.balances.get(B.xmargin.tokens.USDC.address)).toBe(77n * USDC)
    expect(carols.chains[A.chainId]!.balances.get(A.xmargin.tokens.WETH.address)).toBe(WAD)
  } finally {
    await sync.stop()
    clients.close()
  }
})

test('behavior: a reorg that removes a deposit rewinds the cursor and the portfolio drops it, counting nothing twice', async () => {
  await seedPortfolio()
  const clients = createChainClients({ deployment: devnet.deployment })
  const record = recorder()
  const sync = createPortfolioSync({
    clients,
    redis: redis.redis,
    keyPrefix: redis.prefix,
    accounts: [alice, maker],
    onUpdate: record.onUpdate,
  })
  try {
    await sync.syncOnce()
    const id = await A.test.snapshot()
    await deposit(A, 'WETH', [[alice, 7n * WAD]])
    await sync.syncOnce()
    expect(sync.store.account(alice).chains[A.chainId]!.balances.get(A.xmargin.tokens.WETH.address)).toBe(
      12n * WAD,
    )
    expect(record.deposits().filter((event) => event.amount === 7n * WAD)).toHaveLength(1)
    const orphaned = await A.publicClient.getBlock()

    // Replace the blocks that carried the deposit with a longer chain without it.
    await A.test.revert({ id })
    await A.test.mine({ blocks: 3 })
    await deposit(A, 'USDC', [[alice, 1n * USDC]])
    await sync.syncOnce()

    const reorgs = record.updates
      .flatMap((update) => update.batch.events)
      .filter((event) => event.kind === 'reorg')
    expect(reorgs).toEqual([expect.objectContaining({ kind: 'reorg', chainId: A.chainId })])
    expect(reorgs[0]!.kind === 'reorg' && reorgs[0]!.orphaned.hash).toBe(orphaned.hash)
    expect(record.updates.some((update) => update.rebuilt)).toBe(true)
    const portfolio = sync.store.account(alice)
    expect(portfolio.chains[A.chainId]!.balances.get(A.xmargin.tokens.WETH.address)).toBe(5n * WAD)
    expect(portfolio.chains[A.chainId]!.balances.get(A.xmargin.tokens.USDC.address)).toBe(10_001n * USDC)
    const head = await A.publicClient.getBlock()
    expect(portfolio.anchors.find((anchor) => anchor.chainId === A.chainId)).toEqual({
      chainId: A.chainId,
      blockNumber: head.number,
      blockHash: head.hash,
    })
    expect(new Map(portfolio.chains[A.chainId]!.balances)).toEqual(
      (await onChain(A, alice, head.number)).balances,
    )
    // The orphaned deposit is gone from the events that count, and nothing was counted twice.
    expect(record.deposits().filter((event) => event.amount === 7n * WAD)).toHaveLength(0)
    expect(record.duplicates()).toBe(0)
  } finally {
    await sync.stop()
    clients.close()
  }
})

test('behavior: stopped mid-range, a new sync resumes from the persisted cursors with no event lost or repeated', async () => {
  await seedPortfolio()
  const clients = createChainClients({ deployment: devnet.deployment })
  const record = recorder()
  let depositBatchesOnA = 0
  let stopping: Promise<void> | undefined
  const first = createPortfolioSync({
    clients,
    redis: redis.redis,
    keyPrefix: redis.prefix,
    accounts: [alice],
    cursor: { range: { initial: 1, min: 1, max: 1 }, pollIntervalMs: 10 },
    onUpdate: (update) => {
      record.onUpdate(update)
      // Stop after the third deposit block of twelve: the rest of the range is left for the next process.
      if (update.chainId === A.chainId && update.batch.events.some((event) => event.kind === 'deposit'))
        if (++depositBatchesOnA === 3) stopping = first.stop()
    },
  })
  const second = createPortfolioSync({
    clients,
    redis: redis.redis,
    keyPrefix: redis.prefix,
    accounts: [alice],
    cursor: { range: { initial: 4, min: 1, max: 4 } },
    onUpdate: record.onUpdate,
  })
  try {
    await first.syncOnce()
    for (let i = 1; i <= 12; i++) await deposit(A, 'USDC', [[alice, BigInt(i) * USDC]])
    await first.start()
    await expect.poll(() => depositBatchesOnA >= 3, { timeout: 10_000 }).toBe(true)
    await stopping
    const stoppedAt = first.cursors[A.chainId]!.position()!
    const persisted = JSON.parse((await redis.redis.get(`{${redis.prefix}}:cursor:${A.chainId}`))!)
    expect(persisted).toMatchObject({ blockNumber: stoppedAt.number.toString(), blockHash: stoppedAt.hash })
    expect(stoppedAt.number).toBeLessThan(await A.publicClient.getBlockNumber())
    expect(record.deposits().filter((event) => event.chainId === A.chainId)).toHaveLength(3)

    // A new process resumes from Redis and catches up.
    await second.syncOnce()
    const amounts = record
      .deposits()
      .filter((event) => event.chainId === A.chainId)
      .map((event) => Number(event.amount / USDC))
      .sort((a, b) => a - b)
    expect(amounts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(record.duplicates()).toBe(0)
    expect(second.store.account(alice).chains[A.chainId]!.balances.get(A.xmargin.tokens.USDC.address)).toBe(
      (10_000n + 78n) * USDC,
    )
  } finally {
    await first.stop()
    await second.stop()
    clients.close()
  }
})

test('behavior: with a refusing first RPC URL the portfolio still syncs, and the failure is in the metrics', async () => {
  const { createServer } = await import('node:http')
  const server = createServer((request) => request.socket.destroy())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const faulty = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  const registry = new Registry()
  const clients = createChainClients({
    deployment: {
      ...devnet.deployment,
      chains: devnet.deployment.chains.map((chain) => ({ ...chain, rpcUrls: [faulty, ...chain.rpcUrls] })),
    },
    registry,
    policy: { timeoutMs: 1_000, rank: { intervalMs: 0 } },
  })
  const sync = createPortfolioSync({
    clients,
    redis: redis.redis,
    keyPrefix: redis.prefix,
    accounts: [alice],
    registry,
  })
  try {
    await deposit(A, 'USDC', [[alice, 42n * USDC]])
    await sync.syncOnce()
    expect(sync.store.account(alice).chains[A.chainId]!.balances.get(A.xmargin.tokens.USDC.address)).toBe(
      42n * USDC,
    )
    const errors = (await registry.getSingleMetric('xmargin_rpc_errors_total')!.get()).values
    for (const chain of devnet.chains)
      expect(
        errors
          .filter(
            (value) =>
              value.labels.chain_id === String(chain.chainId) &&
              String(value.labels.endpoint).startsWith(faulty),
          )
          .reduce((sum, value) => sum + value.value, 0),
      ).toBeGreaterThan(0)
  } finally {
    await sync.stop()
    clients.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})
