import type { AccountHoldings, ChainAnchor, ChainMarket, Position } from '@xmargin/chain'
import type { Address } from 'viem'

/** One account on one chain, as of the chain's anchor. */
export type AccountChainView = {
  chainId: number
  anchor: ChainAnchor
  /** Vault balances by asset (token units, signed; the settlement asset's is cash). */
  balances: ReadonlyMap<Address, bigint>
  /** Open positions by instrument id (wad). */
  positions: ReadonlyMap<number, Position>
}

/** One account across every chain: what each chain holds, and the blocks that says so. */
export type AccountPortfolio = {
  account: Address
  /** By chain id, every chain of the portfolio (empty holdings where the account has nothing). */
  chains: { readonly [chainId: number]: AccountChainView }
  /** `{ chainId, blockNumber, blockHash }` of every chain, ascending by chain id: the attestation's anchors. */
  anchors: ChainAnchor[]
}

/** The state of one chain inside the store. */
export type ChainState = {
  chainId: number
  /** The last block whose events (or snapshot) the state includes. */
  anchor: ChainAnchor
  /** The block of the snapshot the state was built from: events at or below it are already in. */
  snapshotBlock: bigint
  /** Position `(blockNumber, logIndex)` of the last event applied; later events only. */
  appliedThrough: { blockNumber: bigint; logIndex: number }
  market: ChainMarket
  holdings: Map<Address, AccountHoldings>
}
