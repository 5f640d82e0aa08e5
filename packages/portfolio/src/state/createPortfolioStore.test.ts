import type { EventBatch, EventMeta } from '@xmargin/chain'
import type { Hex } from 'viem'
import { expect, test } from 'vitest'
import { alice, bob, chainSnapshot, ETH, market, usdc, WAD, weth } from '../_test/fixtures.js'
import { createPortfolioStore } from './createPortfolioStore.js'

const hash = (n: number): Hex => `0x${n.toString(16).padStart(64, 'f')}`
const meta = (chainId: number, blockNumber: bigint, logIndex: number): EventMeta => ({
  chainId,
  blockNumber,
  blockHash: hash(Number(blockNumber)),
  logIndex,
  transactionHash: hash(1),
  address: usdc(chainId),
  id: `${chainId}:${hash(Number(blockNumber))}:${logIndex}`,
})

function setup() {
  const store = createPortfolioStore({ chainIds: [31338, 31337] })
  store.loadChainSnapshot(
    chainSnapshot(market(31337), [
      [alice, { balances: new Map([[usdc(31337), 1_000n * 10n ** 6n]]), positions: new Map() }],
    ]),
  )
  store.loadChainSnapshot(
    chainSnapshot(market(31338), [
      [
        alice,
        {
          balances: new Map(),
          positions: new Map([[1, { size: 2n * WAD, openNotional: 7_000n * WAD, fundingIndex: 0n }]]),
        },
      ],
    ]),
  )
  return store
}

const deposit = (blockNumber: bigint, logIndex: number, balanceAfter: bigint) => ({
  ...meta(31337, blockNumber, logIndex),
  kind: 'deposit' as const,
  account: alice,
  asset: weth(31337),
  from: alice,
  amount: 1n,
  balanceAfter,
})

test('default: a snapshot per chain, then events move balances, positions and anchors', () => {
  const store = setup()
  expect(store.isReady()).toBe(true)
  const batch: EventBatch = {
    chainId: 31337,
    fromBlock: 101n,
    toBlock: { number: 105n, hash: hash(105) },
    events: [
      deposit(102n, 0, 3n * WAD),
      {
        ...meta(31337, 103n, 1),
        kind: 'positionChange',
        account: bob,
        instrumentId: 2,
        sizeAfter: -5n * WAD,
        openNotionalAfter: -500n * WAD,
        fundingIndexAfter: 0n,
        sizeDelta: -5n * WAD,
        price: 100n * WAD,
        realisedPnl: 0n,
        fundingPaid: 0n,
        reason: 0,
      },
    ],
  }
  const result = store.apply(batch)
  expect(result).toMatchObject({ applied: 2, skipped: 0, marketChanged: false, reorg: undefined })
  expect([...result.newAccounts]).toEqual([bob])
  const portfolio = store.account(alice)
  expect(portfolio.anchors.map((anchor) => [anchor.chainId, anchor.blockNumber])).toEqual([
    [31337, 105n],
    [31338, 100n],
  ])
  expect(portfolio.chains[31337]?.balances.get(weth(31337))).toBe(3n * WAD)
  expect(portfolio.chains[31338]?.positions.get(1)?.size).toBe(2n * WAD)
  expect(store.account(bob).chains[31337]?.positions.get(2)?.size).toBe(-5n * WAD)

  // The same batch again (a cursor re-delivery) changes nothing.
  expect(store.apply(batch)).toMatchObject({ applied: 0, skipped: 2 })
  // Events at or below the snapshot block are already in it.
  expect(store.apply({ ...batch, events: [deposit(99n, 0, 9n)] })).toMatchObject({ applied: 0, skipped: 1 })
})

test('behavior: a price move affects every account exposed to the underlying on any chain', () => {
  const store = setup()
  store.apply({
    chainId: 31337,
    fromBlock: 101n,
    toBlock: { number: 101n, hash: hash(101) },
    events: [deposit(101n, 0, WAD)],
  })
  const result = store.apply({
    chainId: 31337,
    fromBlock: 102n,
    toBlock: { number: 102n, hash: hash(102) },
    events: [
      {
        ...meta(31337, 102n, 0),
        kind: 'priceUpdate',
        source: 'aggregator',
        key: ETH,
        price: 3_000n * WAD,
        updatedAt: 1n,
      },
    ],
  })
  expect([...result.priceMoves]).toEqual(['ETH'])
  expect([...result.affected]).toEqual([alice]) // alice holds an ETH perp on 31338 and WETH on 31337
  expect(store.market(31337)?.prices.get(ETH)?.price).toBe(3_000n * WAD)
  expect([...store.accountsExposedTo('WETH')]).toEqual([alice])
})

test('behavior: a reorg below the anchor voids the chain until a snapshot rebuilds it', () => {
  const store = setup()
  store.apply({
    chainId: 31337,
    fromBlock: 101n,
    toBlock: { number: 103n, hash: hash(103) },
    events: [deposit(102n, 0, WAD)],
  })
  const reorg = store.apply({
    chainId: 31337,
    fromBlock: 102n,
    toBlock: { number: 101n, hash: hash(101) },
    events: [
      {
        kind: 'reorg',
        chainId: 31337,
        fromBlock: 102n,
        depth: 2,
        ancestor: { number: 101n, hash: hash(101) },
        orphaned: { number: 103n, hash: hash(103) },
      },
    ],
  })
  expect(reorg.reorg?.depth).toBe(2)
  expect(store.isReady()).toBe(false)
  expect(store.staleChains()).toEqual([31337])
  // While stale, events are not applied.
  expect(
    store.apply({
      chainId: 31337,
      fromBlock: 102n,
      toBlock: { number: 102n, hash: hash(102) },
      events: [deposit(102n, 0, 5n)],
    }).skipped,
  ).toBe(1)
  store.loadChainSnapshot(chainSnapshot(market(31337, undefined, 101n), []))
  expect(store.isReady()).toBe(true)
  expect(store.account(alice).chains[31337]?.balances.size).toBe(0)
})
