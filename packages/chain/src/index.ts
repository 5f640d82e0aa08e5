export {
  type ChainClient,
  type ChainClients,
  type CreateChainClientsParameters,
  createChainClients,
} from './clients/createChainClients.js'
export {
  type BlockRing,
  DEFAULT_RING_SIZE,
  emptyRing,
  pushBlocks,
  ringHash,
  truncateRing,
} from './cursor/blockRing.js'
export { bloomMayContain } from './cursor/bloomMayContain.js'
export { type CursorMetrics, createCursorMetrics } from './cursor/createCursorMetrics.js'
export {
  type CreateCursorStoreParameters,
  type CursorState,
  type CursorStore,
  createCursorStore,
  createMemoryCursorStore,
} from './cursor/createCursorStore.js'
export {
  type CreateEventCursorParameters,
  createEventCursor,
  DEFAULT_POLL_INTERVAL_MS,
  type EventBatch,
  type EventCursor,
  type SyncResult,
} from './cursor/createEventCursor.js'
export { findCommonAncestor } from './cursor/findCommonAncestor.js'
export { DEFAULT_RANGE_BOUNDS, nextRangeSize, type RangeBounds } from './cursor/nextRangeSize.js'
export {
  BlockNotFoundError,
  CursorStoreError,
  DeploymentMismatchError,
  QueryTooLargeError,
  ReorgTooDeepError,
  RpcUnavailableError,
  SnapshotReadError,
} from './errors.js'
export {
  decodeLog,
  decodeLogs,
  eventSelectors,
  type LogSource,
  type RpcLog,
  SOURCE_ABIS,
  toWad,
} from './events/decodeLogs.js'
export { logSources } from './events/logSources.js'
export type {
  AssetListedEvent,
  AttestationPostedEvent,
  CashMoveEvent,
  ChainEvent,
  ChainEventKind,
  DepositEvent,
  EventMeta,
  FlagEvent,
  FundingUpdateEvent,
  InstrumentListedEvent,
  LiquidationEvent,
  LiquidationStepEvent,
  LogEvent,
  OracleConfigEvent,
  OtherEvent,
  PermitUsedEvent,
  PositionChangeEvent,
  PriceUpdateEvent,
  ReorgEvent,
  SeizureEvent,
  SettlementPriceEvent,
  SourceName,
  VolUpdateEvent,
  WithdrawalEvent,
} from './events/types.js'
export {
  AGGREGATE3_SELECTOR,
  type Call3,
  type Call3Result,
  decodeAggregate3,
  encodeAggregate3,
  encodeStaticCall,
  readInt256,
  readUint256,
} from './snapshot/aggregate3Codec.js'
export { bytes32ToSymbol, symbolToBytes32 } from './snapshot/bytes32Symbol.js'
export { resolveChainContracts, type XmarginContracts } from './snapshot/chainContracts.js'
export {
  type AssetInfo,
  type ChainMarket,
  type FundingInfo,
  type InstrumentInfo,
  type PriceQuote,
  type VolFeed,
  volFeedsOf,
  volKey,
} from './snapshot/marketTypes.js'
export {
  callBytes,
  chunkCalls,
  DEFAULT_MULTICALL_CONCURRENCY,
  MAX_MULTICALL_CALLDATA_BYTES,
  MAX_MULTICALL_CALLS,
  type MulticallAtBlockParameters,
  type MulticallAtBlockReturnType,
  multicallAtBlock,
} from './snapshot/multicallAtBlock.js'
export { type PinBlockParameters, type PinnedBlock, pinBlock } from './snapshot/pinBlock.js'
export {
  type AccountHoldings,
  accountsPerBatch,
  type Position,
  type ReadAccountsParameters,
  readAccounts,
} from './snapshot/readAccounts.js'
export { type ReadChainMarketParameters, readChainMarket } from './snapshot/readChainMarket.js'
export {
  type ContractRead,
  describeRevert,
  type ReadResult,
  readContractsAtBlock,
} from './snapshot/readContractsAtBlock.js'
export {
  type ChainSnapshot,
  type ReadChainSnapshotParameters,
  type ReadSnapshotParameters,
  readChainSnapshot,
  readSnapshot,
  type Snapshot,
  tokenSymbols,
} from './snapshot/readSnapshot.js'
export { type BackoffParameters, backoffDelay } from './transport/backoffDelay.js'
export { classifyRpcError, isFailoverKind, type RpcFailureKind } from './transport/classifyRpcError.js'
export { createRpcMetrics, type RpcMetrics } from './transport/createRpcMetrics.js'
export {
  type CreateRpcTransportParameters,
  createRpcTransport,
  type EndpointStatus,
  type RpcTransport,
} from './transport/createRpcTransport.js'
export {
  DEFAULT_RANK_WEIGHTS,
  type EndpointSample,
  type RankWeights,
  rankEndpoints,
  scoreEndpoints,
} from './transport/rankEndpoints.js'
export { type RpcPolicy, type RpcPolicyInput, rpcPolicySchema } from './transport/rpcPolicySchema.js'
export { scrubError } from './transport/scrubError.js'
export {
  fullBucket,
  reserveToken,
  type TokenBucketConfig,
  type TokenBucketState,
} from './transport/tokenBucket.js'
export {
  type BlockHeader,
  type BlockRef,
  type ChainAnchor,
  type ChainMap,
  type ContractRef,
  chainIds,
  chainMap,
} from './types.js'
export { mapConcurrent } from './util/mapConcurrent.js'
