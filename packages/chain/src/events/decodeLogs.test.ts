import {
  collateralVaultAbi,
  liquidatorAbi,
  mockAggregatorAbi,
  positionBookAbi,
  riskGuardAbi,
} from '@xmargin/contracts'
import {
  type Abi,
  type AbiEvent,
  type Address,
  encodeAbiParameters,
  encodeEventTopics,
  type Hex,
  stringToHex,
  zeroHash,
} from 'viem'
import { expect, test } from 'vitest'
import { decodeLogs, eventSelectors, type LogSource, type RpcLog } from './decodeLogs.js'

const vault: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const book: Address = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512'
const guard: Address = '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0'
const liquidator: Address = '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9'
const feed: Address = '0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9'
const alice: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const ETH = stringToHex('ETH', { size: 32 })
const sources: LogSource[] = [
  { name: 'collateralVault', address: vault },
  { name: 'positionBook', address: book },
  { name: 'riskGuard', address: guard },
  { name: 'liquidator', address: liquidator },
  { name: 'aggregator', address: feed, key: ETH, decimals: 8 },
]

let logIndex = 0
/** A log as a node would return it, encoded with the generated ABI. */
function log(
  address: Address,
  abi: Abi,
  eventName: string,
  args: Record<string, unknown>,
  blockNumber = 7n,
): RpcLog {
  const event = abi.find((item): item is AbiEvent => item.type === 'event' && item.name === eventName)!
  const topics = encodeEventTopics({ abi: [event], eventName, args } as never) as Hex[]
  const data = encodeAbiParameters(
    event.inputs.filter((input) => !input.indexed),
    event.inputs.filter((input) => !input.indexed).map((input) => args[input.name!]),
  )
  return {
    address,
    topics,
    data,
    blockNumber: `0x${blockNumber.toString(16)}`,
    blockHash: `0x${'ab'.repeat(32)}`,
    logIndex: `0x${(logIndex++).toString(16)}`,
    transactionHash: zeroHash,
  }
}

test('default: our contracts’ logs become typed events in chain order', () => {
  const logs = [
    log(book, positionBookAbi, 'PositionChanged', {
      account: alice,
      instrumentId: 1,
      sizeAfter: 2n * 10n ** 18n,
      openNotionalAfter: 6_000n * 10n ** 18n,
      fundingIndexAfter: 0n,
      sizeDelta: 2n * 10n ** 18n,
      price: 3_000n * 10n ** 18n,
      realisedPnl: 0n,
      fundingPaid: 0n,
      reason: 0,
    }),
    log(
      vault,
      collateralVaultAbi,
      'Deposited',
      { account: alice, asset: vault, from: alice, amount: 5n, balanceAfter: 5n },
      6n,
    ),
    log(book, positionBookAbi, 'FundingUpdated', {
      instrumentId: 1,
      index: 10n,
      ratePerSecond: 1n,
      timestamp: 99n,
    }),
    log(feed, mockAggregatorAbi, 'AnswerUpdated', {
      current: 2_900n * 10n ** 8n,
      roundId: 2n,
      updatedAt: 99n,
    }),
    log(guard, riskGuardAbi, 'HealthPosted', {
      account: alice,
      sequence: 3n,
      epoch: 1n,
      equity: -1n,
      initialMargin: 2n,
      maintenanceMargin: 1n,
      asOf: 10n,
      expiry: 20n,
      anchorBlock: 6n,
      anchorsDigest: zeroHash,
      paramsHash: zeroHash,
    }),
    log(liquidator, liquidatorAbi, 'Liquidated', {
      account: alice,
      liquidationId: zeroHash,
      keeper: vault,
      sequence: 3n,
      discount: 1n,
      closedNotionalUsd: 2n,
      penaltyUsd: 3n,
      rewardUsd: 4n,
      backstopTakeUsd: -1n,
      localSeizedUsd: 5n,
      requestedUsd: 6n,
    }),
  ]
  const events = decodeLogs(31337, sources, logs)
  expect(events.map((event) => [event.kind, event.blockNumber, event.logIndex])).toEqual([
    ['deposit', 6n, 1],
    ['positionChange', 7n, 0],
    ['fundingUpdate', 7n, 2],
    ['priceUpdate', 7n, 3],
    ['attestationPosted', 7n, 4],
    ['liquidation', 7n, 5],
  ])
  expect(events[1]).toMatchObject({
    kind: 'positionChange',
    account: alice,
    instrumentId: 1,
    sizeAfter: 2n * 10n ** 18n,
  })
  expect(events[3]).toMatchObject({
    kind: 'priceUpdate',
    source: 'aggregator',
    key: ETH,
    price: 2_900n * 10n ** 18n,
  })
  expect(events[0]?.id).toBe(`31337:0x${'ab'.repeat(32)}:1`)
})

test('behavior: logs of other addresses are ignored; the topic filter lists every event of the sources', () => {
  const stranger = log('0x0000000000000000000000000000000000000001', collateralVaultAbi, 'Deposited', {
    account: alice,
    asset: vault,
    from: alice,
    amount: 1n,
    balanceAfter: 1n,
  })
  expect(decodeLogs(31337, sources, [stranger])).toEqual([])
  expect(eventSelectors(sources).length).toBeGreaterThan(20)
})
