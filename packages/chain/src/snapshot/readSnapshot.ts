import type { Address, Client } from 'viem'
import type { ChainClients } from '../clients/createChainClients.js'
import type { ChainAnchor, ChainMap } from '../types.js'
import { resolveChainContracts, type XmarginContracts } from './chainContracts.js'
import { type ChainMarket, type VolFeed, volFeedsOf } from './marketTypes.js'
import { type PinnedBlock, pinBlock } from './pinBlock.js'
import { type AccountHoldings, readAccounts } from './readAccounts.js'
import { readChainMarket } from './readChainMarket.js'

/** One chain at one block: its market and what each account holds there. */
export type ChainSnapshot = {
  anchor: PinnedBlock
  market: ChainMarket
  holdings: Map<Address, AccountHoldings>
  /** Accounts per `aggregate3` used for the account reads. */
  batchSize: number
  requests: { pin: number; market: number; accounts: number }
}

/** Every chain of a deployment, each read at its own pinned block. */
export type Snapshot = {
  chains: ChainMap<ChainSnapshot>
  /** `{ chainId, blockNumber, blockHash }` of every chain read, by chain id. */
  anchors: ChainAnchor[]
  requests: { pin: number; market: number; accounts: number; total: number }
}

export type ReadChainSnapshotParameters = {
  contracts: XmarginContracts
  accounts: readonly Address[]
  /** Pin `head − confirmations`. Default 0. */
  confirmations?: number | undefined
  /** Pin this block instead. */
  blockNumber?: bigint | undefined
  /** Pin exactly this block (a rebuild at the cursor's position). */
  blockHash?: `0x${string}` | undefined
  tokenSymbols?: ReadonlyMap<string, string> | undefined
  /** Vol feeds from the deployment (`volFeedsOf(chain.feeds)`). */
  volFeeds?: ReadonlyArray<Omit<VolFeed, 'decimals'>> | undefined
  /** Accounts per request; default `accountsPerBatch`. */
  batchSize?: number | undefined
  concurrency?: number | undefined
}

/**
 * One chain's snapshot: pin a block, read the market there, then every account's balances and positions.
 *
 * @example const snapshot = await readChainSnapshot(client, { contracts, accounts, confirmations: 2 })
 */
export async function readChainSnapshot(
  client: Client,
  parameters: ReadChainSnapshotParameters,
): Promise<ChainSnapshot> {
  const anchor = await pinBlock(client, {
    chainId: parameters.contracts.chainId,
    confirmations: parameters.confirmations,
    blockNumber: parameters.blockNumber,
    blockHash: parameters.blockHash,
  })
  return readChainSnapshotAt(client, anchor, parameters)
}

async function readChainSnapshotAt(
  client: Client,
  anchor: PinnedBlock,
  parameters: ReadChainSnapshotParameters,
): Promise<ChainSnapshot> {
  const { market, requests: marketRequests } = await readChainMarket(client, {
    contracts: parameters.contracts,
    anchor,
    tokenSymbols: parameters.tokenSymbols,
    volFeeds: parameters.volFeeds,
  })
  const { holdings, requests, batchSize } = await readAccounts(client, {
    contracts: parameters.contracts,
    anchor,
    accounts: parameters.accounts,
    assets: market.assets.map((asset) => asset.address),
    instrumentIds: market.instruments.map((instrument) => instrument.instrumentId),
    batchSize: parameters.batchSize,
    concurrency: parameters.concurrency,
  })
  return {
    anchor,
    market,
    holdings,
    batchSize,
    requests: { pin: 1, market: marketRequests, accounts: requests },
  }
}

export type ReadSnapshotParameters = {
  accounts: readonly Address[]
  /** Chains to read; default every chain of the clients. */
  chainIds?: readonly number[] | undefined
  /** Pin these blocks (by chain) instead of `head − confirmations`. */
  blockNumbers?: { readonly [chainId: number]: bigint } | undefined
  batchSize?: number | undefined
  concurrency?: number | undefined
}

/**
 * A snapshot of every chain: all blocks pinned first (each chain at `head − confirmations` of its
 * deployment entry), then each chain's market and account reads, chains in parallel. Every result names
 * the block it came from.
 *
 * @example const snapshot = await readSnapshot(clients, { accounts })
 */
export async function readSnapshot(
  clients: ChainClients,
  parameters: ReadSnapshotParameters,
): Promise<Snapshot> {
  const chainIds = parameters.chainIds ?? clients.chainIds
  const anchors = await Promise.all(
    chainIds.map((chainId) => {
      const { client, config } = clients.get(chainId)
      return pinBlock(client, {
        chainId,
        confirmations: config.confirmations,
        blockNumber: parameters.blockNumbers?.[chainId],
      })
    }),
  )
  const snapshots = await Promise.all(
    chainIds.map((chainId, i) => {
      const { client, config } = clients.get(chainId)
      return readChainSnapshotAt(client, anchors[i]!, {
        contracts: resolveChainContracts(config),
        accounts: parameters.accounts,
        tokenSymbols: tokenSymbols(config.tokens),
        volFeeds: volFeedsOf(config.feeds),
        batchSize: parameters.batchSize,
        concurrency: parameters.concurrency,
      })
    }),
  )
  const requests = { pin: 0, market: 0, accounts: 0, total: 0 }
  for (const snapshot of snapshots) {
    requests.pin += snapshot.requests.pin
    requests.market += snapshot.requests.market
    requests.accounts += snapshot.requests.accounts
  }
  requests.total = requests.pin + requests.market + requests.accounts
  return {
    chains: Object.fromEntries(chainIds.map((chainId, i) => [chainId, snapshots[i]!])),
    anchors: anchors.map(({ chainId, blockNumber, blockHash }) => ({ chainId, blockNumber, blockHash })),
    requests,
  }
}

/** Token symbols by lower-case address, from a deployment chain's `tokens`. */
export function tokenSymbols(tokens: {
  readonly [symbol: string]: { address: Address }
}): Map<string, string> {
  return new Map(Object.entries(tokens).map(([symbol, token]) => [token.address.toLowerCase(), symbol]))
}
