import type { SignerSet } from '@xmargin/attestation'
import type { MarginInput, MarketState } from '@xmargin/margin'
import type { Address, Hex } from 'viem'

// The seam between the relay and wherever the unified portfolio comes from: `createChainPortfolio`
// (chains through @xmargin/chain and @xmargin/portfolio) in production, `createMemoryPortfolio` in tests
// and the benchmark's unit checks. Everything the relay computes derives from what this interface hands
// out, so two nodes with the same anchors compute the same figures.

/** The block a portfolio read rests on, on one chain. */
export type ChainAnchor = { chainId: number; blockNumber: bigint; blockHash: Hex }

/** A PositionBook instrument, identified across chains by `(chainId, instrumentId)`. */
export type InstrumentRef = {
  chainId: number
  instrumentId: number
  kind: 'perp' | 'option'
  /** Underlying symbol, e.g. `ETH` (the XPM-1 risk unit). */
  underlying: string
  /** Options: expiry (unix seconds), strike (USD), call or put. */
  expiry?: number | undefined
  strike?: number | undefined
  isCall?: boolean | undefined
}

/** A collateral asset of a vault. */
export type AssetRef = {
  chainId: number
  address: Address
  symbol: string
  decimals: number
  /** The settlement asset: its balance is cash ($1 per token). */
  isSettlement: boolean
  /** Valuation of a collateral asset as the margin uses it (undefined when it cannot be priced). */
  price?: number | undefined
  haircut?: number | undefined
  chainPenalty?: number | undefined
}

/**
 * Everything the margin of every account shares: the XPM-1 market state (spots, expiry curves, option
 * series with `id = positionId(chainId, instrumentId)`), the instruments and assets of every chain.
 * `params` of `state` is left to the relay (its configured parameter set).
 */
export type PortfolioMarket = {
  /** Valuation time (unix seconds): the newest anchor block's timestamp. */
  asOf: number
  state: MarketState
  /** By `positionId(chainId, instrumentId)`. */
  instruments: ReadonlyMap<string, InstrumentRef>
  assets: readonly AssetRef[]
  /** Perp mark price (USD) by position id. */
  perpMarks: ReadonlyMap<string, number>
  /** LayerZero endpoint id per chain, for cross-chain seize routes. */
  eids: ReadonlyMap<number, number>
}

/** What one account holds on one chain (raw integers as the contracts store them). */
export type AccountChainHoldings = {
  chainId: number
  /** Vault balances, token units (signed: the settlement asset's is cash). */
  balances: ReadonlyMap<Address, bigint>
  /** Position sizes (wad, signed) by instrument id. */
  positions: ReadonlyMap<number, bigint>
  /** When the account was flagged for liquidation on this chain (unix seconds), if it is. */
  flaggedAt?: bigint | undefined
  /**
   * Liquidations on this chain that asked other chains for collateral and are not finalised: the
   * collateral may have left the other chain without its value having arrived here yet.
   */
  pendingSeizes?: number | undefined
}

/** One account across every chain, with the anchors it is valued at. */
export type PortfolioAccount = {
  account: Address
  anchors: readonly ChainAnchor[]
  /**
   * The account's XPM-1 input at `market` (without `params`): positions carry `id =
   * positionId(chainId, instrumentId)` and `chainId`; collateral lines carry haircut and chain penalty.
   */
  input: MarginInput
  chains: readonly AccountChainHoldings[]
}

/** A permit the chain shows as used (`RiskGuard.PermitUsed`). */
export type PermitUse = { chainId: number; account: Address; nonce: bigint; blockNumber: bigint }

/** What changed since the last notification. */
export type PortfolioChange = {
  /** Accounts whose holdings changed or that were named by an event. */
  accounts: ReadonlySet<Address>
  /** Prices, funding, vols or the market structure moved: every exposed account may have changed. */
  marketChanged: boolean
  /** Accounts exposed to what moved (a superset of `accounts` when prices moved). */
  affected: ReadonlySet<Address>
  permitsUsed: readonly PermitUse[]
  /** A chain's RiskGuard rotated its signer set. */
  signerSetRotated: boolean
  /** When the change was observed (performance.now() ms), for latency metrics. */
  observedAtMs: number
}

export type ChainStatus = {
  chainId: number
  /** The block the state includes (undefined before the first load). */
  blockNumber: bigint | undefined
  /** Blocks between the chain's head and `blockNumber`, when known. */
  lagBlocks: number | undefined
  /** A reorg voided the state and it is being rebuilt. */
  stale: boolean
  /** The last RPC error, if the chain is unreachable. */
  error: string | undefined
}

export type PortfolioStatus = { ready: boolean; chains: readonly ChainStatus[] }

/** The unified portfolio a relay node keeps current. */
export type PortfolioSource = {
  /** Loads every chain and starts following them. */
  start(): Promise<void>
  /** Stops following (cursors persist their position). */
  stop(): Promise<void>
  status(): PortfolioStatus
  /** Anchors of every chain, ascending by chain id. */
  anchors(): readonly ChainAnchor[]
  market(): PortfolioMarket
  accounts(): Iterable<Address>
  account(account: Address): PortfolioAccount | undefined
  /** Called after every applied change, in order. Returns an unsubscribe function. */
  subscribe(listener: (change: PortfolioChange) => void): () => void
  /**
   * Accounts never attested (lower-case): the backstop and the PositionBook's P&L pool hold the other side
   * of every liquidation and need no permits. Default none.
   */
  exempt?: (() => ReadonlySet<string>) | undefined
  /** The current signer set of the RiskGuards (chain sources read it on chain). */
  signerSet?: (() => Promise<SignerSet>) | undefined
}

/** The id of a position in XPM-1 inputs and of a series in the market: `<chainId>:<instrumentId>`. */
export function positionId(chainId: number, instrumentId: number): string {
  return `${chainId}:${instrumentId}`
}

/** The inverse of `positionId`; undefined for ids the relay did not make. */
export function parsePositionId(id: string): { chainId: number; instrumentId: number } | undefined {
  const match = /^(\d+):(\d+)$/.exec(id)
  if (!match) return undefined
  return { chainId: Number(match[1]), instrumentId: Number(match[2]) }
}
