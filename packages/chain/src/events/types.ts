import type { Address, Hex } from 'viem'
import type { BlockRef } from '../types.js'

/** Which of our contracts a log came from (aggregators are the oracle feeds the router reads). */
export type SourceName =
  | 'collateralVault'
  | 'positionBook'
  | 'oracleRouter'
  | 'riskGuard'
  | 'liquidator'
  | 'messenger'
  | 'aggregator'

/**
 * Where an event sits on its chain. `id` = `<chainId>:<blockHash>:<logIndex>` is unique across reorgs (the
 * same log re-included in another block gets another id), so consumers apply an event once by its id or by
 * its position `(blockNumber, logIndex)` on the cursor's current chain.
 */
export type EventMeta = {
  chainId: number
  blockNumber: bigint
  blockHash: Hex
  logIndex: number
  transactionHash: Hex
  /** The contract that emitted it. */
  address: Address
  id: string
}

/** Collateral credited by `CollateralVault.deposit` (token units). */
export type DepositEvent = EventMeta & {
  kind: 'deposit'
  account: Address
  asset: Address
  from: Address
  amount: bigint
  balanceAfter: bigint
}

/** Collateral withdrawn with a permit (token units). */
export type WithdrawalEvent = EventMeta & {
  kind: 'withdrawal'
  account: Address
  asset: Address
  to: Address
  amount: bigint
  balanceAfter: bigint
  permitNonce: bigint
}

/** Collateral seized from `account` into `to` (liquidation, cross-chain seize). */
export type SeizureEvent = EventMeta & {
  kind: 'seizure'
  account: Address
  asset: Address
  to: Address
  amount: bigint
  valueUsd: bigint
  balanceAfter: bigint
  toBalanceAfter: bigint
}

/** Settlement-asset cash moved between two ledger accounts (P&L, funding, penalties), or paid out. */
export type CashMoveEvent = EventMeta & {
  kind: 'cashMove'
  from: Address
  /** The recipient ledger account; for a payout, the external recipient (no ledger balance). */
  to: Address
  amount: bigint
  fromBalanceAfter: bigint
  /** `undefined` for a payout (tokens left the vault). */
  toBalanceAfter: bigint | undefined
  payout: boolean
}

/** A collateral asset was listed (market structure changed). */
export type AssetListedEvent = EventMeta & {
  kind: 'assetListed'
  asset: Address
  decimals: number
  priceKey: Hex
  minDeposit: bigint
}

/** The full new position of `account` in `instrumentId` (`PositionChanged`). */
export type PositionChangeEvent = EventMeta & {
  kind: 'positionChange'
  account: Address
  instrumentId: number
  sizeAfter: bigint
  openNotionalAfter: bigint
  fundingIndexAfter: bigint
  sizeDelta: bigint
  price: bigint
  realisedPnl: bigint
  fundingPaid: bigint
  /** 0 trade, 1 liquidation, 2 expiry, 3 funding. */
  reason: number
}

/** An instrument was listed (market structure changed). */
export type InstrumentListedEvent = EventMeta & {
  kind: 'instrumentListed'
  instrumentId: number
  /** 0 perp, 1 option. */
  instrumentKind: number
  underlying: Hex
  expiry: bigint
  strike: bigint
  isCall: boolean
}

/** A perp's funding index and rate: `index(t) = index + ratePerSecond·(t − timestamp)`. */
export type FundingUpdateEvent = EventMeta & {
  kind: 'fundingUpdate'
  instrumentId: number
  index: bigint
  ratePerSecond: bigint
  timestamp: bigint
}

/** An expired option's settlement price was fixed. */
export type SettlementPriceEvent = EventMeta & {
  kind: 'settlementPrice'
  instrumentId: number
  price: bigint
  updatedAt: bigint
}

/**
 * A price moved: an aggregator's new answer (`source: 'aggregator'`, `key` from the router's feed list) or
 * the router's accepted reference (`source: 'router'`). `price` is wad USD.
 */
export type PriceUpdateEvent = EventMeta & {
  kind: 'priceUpdate'
  source: 'aggregator' | 'router'
  /** Router key (`bytes32`, e.g. "ETH"); `undefined` for an aggregator the cursor has no key for. */
  key: Hex | undefined
  price: bigint
  updatedAt: bigint
}

/** A vol feed's aggregator answered: the implied vol of `(key, expiry)` is now `vol` (wad, 0.64e18 = 64 %). */
export type VolUpdateEvent = EventMeta & {
  kind: 'volUpdate'
  key: Hex
  expiry: bigint
  vol: bigint
  updatedAt: bigint
}

/** Oracle configuration changed: a spot feed, a vol feed or a rate. */
export type OracleConfigEvent = EventMeta & {
  kind: 'oracleConfig'
  change: 'feed' | 'volFeed' | 'rate'
  key: Hex
  /** The new aggregator (feed, volFeed). */
  aggregator: Address | undefined
  /** Vol feed expiry. */
  expiry: bigint | undefined
  /** New rate (wad, annualised). */
  rate: bigint | undefined
}

/** `Liquidator.liquidate` closed positions of `account`. */
export type LiquidationEvent = EventMeta & {
  kind: 'liquidation'
  account: Address
  liquidationId: Hex
  keeper: Address
  sequence: bigint
  discount: bigint
  closedNotionalUsd: bigint
  penaltyUsd: bigint
  rewardUsd: bigint
  localSeizedUsd: bigint
  requestedUsd: bigint
}

/** Later steps of a liquidation: closes, seize requests and replies, bad debt, finalisation. */
export type LiquidationStepEvent = EventMeta & {
  kind: 'liquidationStep'
  step:
    | 'LiquidationClose'
    | 'SeizeRequested'
    | 'SeizeCompleted'
    | 'SeizeReplyIgnored'
    | 'BadDebtRecorded'
    | 'LiquidationFinalised'
    | 'SeizeRequestSent'
    | 'SeizeExecuted'
    | 'SeizeResultReceived'
  liquidationId: Hex
  account: Address | undefined
  args: Readonly<Record<string, unknown>>
}

/** An attestation of `account`'s health was verified and stored by the RiskGuard (`HealthPosted`). */
export type AttestationPostedEvent = EventMeta & {
  kind: 'attestationPosted'
  account: Address
  sequence: bigint
  epoch: bigint
  equity: bigint
  initialMargin: bigint
  maintenanceMargin: bigint
  asOf: bigint
  expiry: bigint
  anchorBlock: bigint
  anchorsDigest: Hex
  paramsHash: Hex
}

/** A margin permit was consumed: the relay releases its reservation. */
export type PermitUsedEvent = EventMeta & {
  kind: 'permitUsed'
  account: Address
  nonce: bigint
  action: number
  target: Hex
  limit: bigint
  consumer: Address
}

/** The account's liquidation flag was set (Dutch auction started) or cleared. */
export type FlagEvent = EventMeta & {
  kind: 'flag'
  account: Address
  flagged: boolean
  sequence: bigint
  flaggedAt: bigint | undefined
}

/** Any other event of our contracts, decoded (roles, parameters, LayerZero wiring, …). */
export type OtherEvent = EventMeta & {
  kind: 'other'
  source: SourceName
  eventName: string
  args: Readonly<Record<string, unknown>>
}

/**
 * The cursor rewound `chainId` to `ancestor` because blocks after it were replaced. Every event the consumer
 * took from blocks above `ancestor.number` is void; the cursor re-ingests from `fromBlock` = ancestor + 1.
 */
export type ReorgEvent = {
  kind: 'reorg'
  chainId: number
  fromBlock: bigint
  /** Blocks rewound: the old cursor height minus the ancestor's. */
  depth: number
  ancestor: BlockRef
  /** The cursor position that was orphaned. */
  orphaned: BlockRef
}

/** An event from a chain log. */
export type LogEvent =
  | DepositEvent
  | WithdrawalEvent
  | SeizureEvent
  | CashMoveEvent
  | AssetListedEvent
  | PositionChangeEvent
  | InstrumentListedEvent
  | FundingUpdateEvent
  | SettlementPriceEvent
  | PriceUpdateEvent
  | VolUpdateEvent
  | OracleConfigEvent
  | LiquidationEvent
  | LiquidationStepEvent
  | AttestationPostedEvent
  | PermitUsedEvent
  | FlagEvent
  | OtherEvent

/** Everything the event cursor emits. */
export type ChainEvent = LogEvent | ReorgEvent

export type ChainEventKind = ChainEvent['kind']
