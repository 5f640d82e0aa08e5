import {
  collateralVaultAbi,
  liquidatorAbi,
  messengerAbi,
  mockAggregatorAbi,
  oracleRouterAbi,
  positionBookAbi,
  riskGuardAbi,
} from '@xmargin/contracts'
import { type Abi, type Address, decodeEventLog, type Hex, toEventSelector } from 'viem'
import type { EventMeta, LiquidationStepEvent, LogEvent, SourceName } from './types.js'

/** A contract whose logs the cursor ingests. Aggregators carry the router key and decimals of their feed. */
export type LogSource = {
  name: SourceName
  address: Address
  /** Aggregators: the OracleRouter key whose feed this is. */
  key?: Hex | undefined
  /** Aggregators: answer decimals (to normalise to wad). */
  decimals?: number | undefined
  /** Vol aggregators: the option expiry the vol is for (the answer is a vol, not a price). */
  volExpiry?: bigint | undefined
}

/** The ABI the cursor decodes each source's logs with (generated from the Foundry build). */
export const SOURCE_ABIS: { readonly [name in SourceName]: Abi } = {
  collateralVault: collateralVaultAbi,
  positionBook: positionBookAbi,
  oracleRouter: oracleRouterAbi,
  riskGuard: riskGuardAbi,
  liquidator: liquidatorAbi,
  messenger: messengerAbi,
  aggregator: mockAggregatorAbi,
}

/** A log as `eth_getLogs` returns it (quantities hex). */
export type RpcLog = {
  address: Address
  topics: Hex[]
  data: Hex
  blockNumber: Hex
  blockHash: Hex
  logIndex: Hex
  transactionHash: Hex
  removed?: boolean | undefined
}

/** Every event selector (topic0) of the given sources, for the `eth_getLogs` topic filter. */
export function eventSelectors(sources: readonly LogSource[]): Hex[] {
  const selectors = new Set<Hex>()
  for (const name of new Set(sources.map((source) => source.name)))
    for (const item of SOURCE_ABIS[name]) if (item.type === 'event') selectors.add(toEventSelector(item))
  return [...selectors]
}

/**
 * Decodes logs of our contracts into typed events, ordered by `(blockNumber, logIndex)`. Logs of unknown
 * addresses or events outside the ABI are skipped (the topic filter keeps them out anyway).
 */
export function decodeLogs(
  chainId: number,
  sources: readonly LogSource[],
  logs: readonly RpcLog[],
): LogEvent[] {
  const byAddress = new Map(sources.map((source) => [source.address.toLowerCase(), source]))
  const events: LogEvent[] = []
  for (const log of logs) {
    const source = byAddress.get(log.address.toLowerCase())
    if (!source || log.removed) continue
    const event = decodeLog(chainId, source, log)
    if (event) events.push(event)
  }
  return events.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  )
}

/** One log as a typed event, or `undefined` when its ABI does not know it. */
export function decodeLog(chainId: number, source: LogSource, log: RpcLog): LogEvent | undefined {
  let decoded: { eventName: string; args: unknown }
  try {
    decoded = decodeEventLog({ abi: SOURCE_ABIS[source.name], data: log.data, topics: log.topics as [Hex] })
  } catch {
    return undefined
  }
  const blockNumber = BigInt(log.blockNumber)
  const logIndex = Number(BigInt(log.logIndex))
  const meta: EventMeta = {
    chainId,
    blockNumber,
    blockHash: log.blockHash,
    logIndex,
    transactionHash: log.transactionHash,
    address: log.address,
    id: `${chainId}:${log.blockHash}:${logIndex}`,
  }
  // Field types follow the ABI (the generated ABIs are checked against the Solidity build).
  const a = decoded.args as Args
  switch (`${source.name}.${decoded.eventName}`) {
    case 'collateralVault.Deposited':
      return {
        ...meta,
        kind: 'deposit',
        account: a.account,
        asset: a.asset,
        from: a.from,
        amount: a.amount,
        balanceAfter: a.balanceAfter,
      }
    case 'collateralVault.Withdrawn':
      return {
        ...meta,
        kind: 'withdrawal',
        account: a.account,
        asset: a.asset,
        to: a.to,
        amount: a.amount,
        balanceAfter: a.balanceAfter,
        permitNonce: a.permitNonce,
      }
    case 'collateralVault.Seized':
      return {
        ...meta,
        kind: 'seizure',
        account: a.account,
        asset: a.asset,
        to: a.to,
        amount: a.amount,
        valueUsd: a.valueUsd,
        balanceAfter: a.balanceAfter,
        toBalanceAfter: a.toBalanceAfter,
      }
    case 'collateralVault.CashMoved':
      return {
        ...meta,
        kind: 'cashMove',
        from: a.from,
        to: a.to,
        amount: a.amount,
        fromBalanceAfter: a.fromBalanceAfter,
        toBalanceAfter: a.toBalanceAfter,
        payout: false,
      }
    case 'collateralVault.PaidOut':
      return {
        ...meta,
        kind: 'cashMove',
        from: a.from,
        to: a.recipient,
        amount: a.amount,
        fromBalanceAfter: a.fromBalanceAfter,
        toBalanceAfter: undefined,
        payout: true,
      }
    case 'collateralVault.AssetListed':
      return {
        ...meta,
        kind: 'assetListed',
        asset: a.asset,
        decimals: Number(a.decimals),
        priceKey: a.priceKey,
        minDeposit: a.minDeposit,
      }
    case 'positionBook.PositionChanged':
      return {
        ...meta,
        kind: 'positionChange',
        account: a.account,
        instrumentId: Number(a.instrumentId),
        sizeAfter: a.sizeAfter,
        openNotionalAfter: a.openNotionalAfter,
        fundingIndexAfter: a.fundingIndexAfter,
        sizeDelta: a.sizeDelta,
        price: a.price,
        realisedPnl: a.realisedPnl,
        fundingPaid: a.fundingPaid,
        reason: Number(a.reason),
      }
    case 'positionBook.InstrumentListed':
      return {
        ...meta,
        kind: 'instrumentListed',
        instrumentId: Number(a.instrumentId),
        instrumentKind: Number(a.kind),
        underlying: a.underlying,
        expiry: BigInt(a.expiry),
        strike: a.strike,
        isCall: a.isCall,
      }
    case 'positionBook.FundingUpdated':
      return {
        ...meta,
        kind: 'fundingUpdate',
        instrumentId: Number(a.instrumentId),
        index: a.index,
        ratePerSecond: a.ratePerSecond,
        timestamp: BigInt(a.timestamp),
      }
    case 'positionBook.SettlementPriceFixed':
      return {
        ...meta,
        kind: 'settlementPrice',
        instrumentId: Number(a.instrumentId),
        price: a.price,
        updatedAt: BigInt(a.updatedAt),
      }
    case 'oracleRouter.PriceAccepted':
      return {
        ...meta,
        kind: 'priceUpdate',
        source: 'router',
        key: a.key,
        price: a.price,
        updatedAt: BigInt(a.updatedAt),
      }
    case 'aggregator.AnswerUpdated':
      if (source.volExpiry !== undefined && source.key !== undefined)
        return {
          ...meta,
          kind: 'volUpdate',
          key: source.key,
          expiry: source.volExpiry,
          vol: toWad(a.current, source.decimals ?? 8),
          updatedAt: a.updatedAt,
        }
      return {
        ...meta,
        kind: 'priceUpdate',
        source: 'aggregator',
        key: source.key,
        price: toWad(a.current, source.decimals ?? 8),
        updatedAt: a.updatedAt,
      }
    case 'oracleRouter.FeedSet':
      return {
        ...meta,
        kind: 'oracleConfig',
        change: 'feed',
        key: a.key,
        aggregator: a.aggregator,
        expiry: undefined,
        rate: undefined,
      }
    case 'oracleRouter.VolFeedSet':
      return {
        ...meta,
        kind: 'oracleConfig',
        change: 'volFeed',
        key: a.underlying,
        aggregator: a.aggregator,
        expiry: BigInt(a.expiry),
        rate: undefined,
      }
    case 'oracleRouter.RateSet':
      return {
        ...meta,
        kind: 'oracleConfig',
        change: 'rate',
        key: a.underlying,
        aggregator: undefined,
        expiry: undefined,
        rate: a.rate,
      }
    case 'liquidator.Liquidated':
      return {
        ...meta,
        kind: 'liquidation',
        account: a.account,
        liquidationId: a.liquidationId,
        keeper: a.keeper,
        sequence: BigInt(a.sequence),
        discount: a.discount,
        closedNotionalUsd: a.closedNotionalUsd,
        penaltyUsd: a.penaltyUsd,
        rewardUsd: a.rewardUsd,
        localSeizedUsd: a.localSeizedUsd,
        requestedUsd: a.requestedUsd,
      }
    case 'riskGuard.HealthPosted':
      return {
        ...meta,
        kind: 'attestationPosted',
        account: a.account,
        sequence: BigInt(a.sequence),
        epoch: BigInt(a.epoch),
        equity: a.equity,
        initialMargin: a.initialMargin,
        maintenanceMargin: a.maintenanceMargin,
        asOf: BigInt(a.asOf),
        expiry: BigInt(a.expiry),
        anchorBlock: BigInt(a.anchorBlock),
        anchorsDigest: a.anchorsDigest,
        paramsHash: a.paramsHash,
      }
    case 'riskGuard.PermitUsed':
      return {
        ...meta,
        kind: 'permitUsed',
        account: a.account,
        nonce: BigInt(a.nonce),
        action: Number(a.action),
        target: a.target,
        limit: a.limit,
        consumer: a.consumer,
      }
    case 'riskGuard.AccountFlagged':
      return {
        ...meta,
        kind: 'flag',
        account: a.account,
        flagged: true,
        sequence: BigInt(a.sequence),
        flaggedAt: BigInt(a.flaggedAt),
      }
    case 'riskGuard.FlagCleared':
      return {
        ...meta,
        kind: 'flag',
        account: a.account,
        flagged: false,
        sequence: BigInt(a.sequence),
        flaggedAt: undefined,
      }
  }
  if (
    LIQUIDATION_STEPS.has(decoded.eventName) &&
    (source.name === 'liquidator' || source.name === 'messenger')
  ) {
    return {
      ...meta,
      kind: 'liquidationStep',
      step: decoded.eventName as LiquidationStepEvent['step'],
      liquidationId: a.liquidationId,
      account: a.account,
      args: decoded.args as Record<string, unknown>,
    }
  }
  return {
    ...meta,
    kind: 'other',
    source: source.name,
    eventName: decoded.eventName,
    args: (decoded.args ?? {}) as Record<string, unknown>,
  }
}

type ArgName =
  | 'account'
  | 'asset'
  | 'from'
  | 'amount'
  | 'balanceAfter'
  | 'to'
  | 'permitNonce'
  | 'valueUsd'
  | 'toBalanceAfter'
  | 'fromBalanceAfter'
  | 'recipient'
  | 'decimals'
  | 'priceKey'
  | 'minDeposit'
  | 'instrumentId'
  | 'sizeAfter'
  | 'openNotionalAfter'
  | 'fundingIndexAfter'
  | 'sizeDelta'
  | 'price'
  | 'realisedPnl'
  | 'fundingPaid'
  | 'reason'
  | 'kind'
  | 'underlying'
  | 'expiry'
  | 'strike'
  | 'isCall'
  | 'index'
  | 'ratePerSecond'
  | 'timestamp'
  | 'updatedAt'
  | 'key'
  | 'current'
  | 'aggregator'
  | 'rate'
  | 'liquidationId'
  | 'keeper'
  | 'sequence'
  | 'discount'
  | 'closedNotionalUsd'
  | 'penaltyUsd'
  | 'rewardUsd'
  | 'localSeizedUsd'
  | 'requestedUsd'
  | 'epoch'
  | 'equity'
  | 'initialMargin'
  | 'maintenanceMargin'
  | 'asOf'
  | 'anchorBlock'
  | 'anchorsDigest'
  | 'paramsHash'
  | 'nonce'
  | 'action'
  | 'target'
  | 'limit'
  | 'consumer'
  | 'flaggedAt'
type Args = Record<ArgName, never>

const LIQUIDATION_STEPS = new Set<string>([
  'LiquidationClose',
  'SeizeRequested',
  'SeizeCompleted',
  'SeizeReplyIgnored',
  'BadDebtRecorded',
  'LiquidationFinalised',
  'SeizeRequestSent',
  'SeizeExecuted',
  'SeizeResultReceived',
])

/** An aggregator answer with `decimals` decimals as wad (18 decimals). */
export function toWad(answer: bigint, decimals: number): bigint {
  return decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18)
}
