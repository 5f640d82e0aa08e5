import { type Address, type Client, type Hex, toFunctionSelector } from 'viem'
import { SnapshotReadError } from '../errors.js'
import type { ChainAnchor } from '../types.js'
import { mapConcurrent } from '../util/mapConcurrent.js'
import { decodeAggregate3Buffer, encodeAccountBatch, readInt256At } from './accountBatchCodec.js'
import type { XmarginContracts } from './chainContracts.js'
import {
  DEFAULT_MULTICALL_CONCURRENCY,
  MAX_MULTICALL_CALLDATA_BYTES,
  MAX_MULTICALL_CALLS,
} from './multicallAtBlock.js'
import { describeRevert } from './readContractsAtBlock.js'

/** An account's position in one instrument (wad), as `PositionBook.position` returns it. */
export type Position = { size: bigint; openNotional: bigint; fundingIndex: bigint }

/** What one account holds on one chain: non-zero vault balances by asset, open positions by instrument. */
export type AccountHoldings = {
  /** Token units (signed: the settlement asset's balance is cash and may be negative), by asset address. */
  balances: Map<Address, bigint>
  /** By instrument id; only non-zero sizes. */
  positions: Map<number, Position>
}

export type ReadAccountsParameters = {
  contracts: XmarginContracts
  anchor: ChainAnchor
  accounts: readonly Address[]
  /** Vault assets to read for each account (normally every listed asset). */
  assets: readonly Address[]
  /** Instruments to read for each account (normally every listed instrument). */
  instrumentIds: readonly number[]
  /** Accounts per `aggregate3`; default `accountsPerBatch(assets, instruments)`. */
  batchSize?: number | undefined
  /** Batches in flight. Default 8. */
  concurrency?: number | undefined
}

const BALANCE_OF = toFunctionSelector('function balanceOf(address account, address asset)')
const POSITION = toFunctionSelector('function position(address account, uint32 instrumentId)')
/** Encoded bytes of one static account read inside `aggregate3` (offset word + 224-byte tuple). */
const CALL_BYTES = 32 + 224

/**
 * Accounts per `aggregate3` batch: every read of one account stays in one batch, and a batch holds at most
 * `MAX_MULTICALL_CALLS` calls and `MAX_MULTICALL_CALLDATA_BYTES` of calldata. With 3 assets and 4
 * instruments that is ⌊1024 / 7⌋ = 146 accounts per request.
 *
 * @example accountsPerBatch(3, 4) // 146
 */
export function accountsPerBatch(assetCount: number, instrumentCount: number): number {
  const callsPerAccount = Math.max(1, assetCount + instrumentCount)
  const byCalls = Math.floor(MAX_MULTICALL_CALLS / callsPerAccount)
  const byBytes = Math.floor((MAX_MULTICALL_CALLDATA_BYTES - 68) / (callsPerAccount * CALL_BYTES))
  return Math.max(1, Math.min(byCalls, byBytes))
}

/**
 * Reads every account's vault balances and positions on one chain at a pinned block: `balanceOf(account,
 * asset)` per asset and `position(account, id)` per instrument, all of one account in the same batch, so
 * N accounts take ⌈N / batchSize⌉ requests. Encoded and decoded in Buffers (`accountBatchCodec`).
 *
 * @example const { holdings } = await readAccounts(client, { contracts, anchor, accounts, assets, instrumentIds })
 */
export async function readAccounts(
  client: Client,
  parameters: ReadAccountsParameters,
): Promise<{ holdings: Map<Address, AccountHoldings>; requests: number; batchSize: number }> {
  const { contracts, accounts, assets, instrumentIds } = parameters
  const kinds = [
    ...assets.map((asset) => ({ target: contracts.collateralVault, selector: BALANCE_OF, argument: asset })),
    ...instrumentIds.map((id) => ({ target: contracts.positionBook, selector: POSITION, argument: id })),
  ]
  const batchSize = parameters.batchSize ?? accountsPerBatch(assets.length, instrumentIds.length)
  const holdings = new Map<Address, AccountHoldings>()
  if (kinds.length === 0 || accounts.length === 0) {
    for (const account of accounts) holdings.set(account, { balances: new Map(), positions: new Map() })
    return { holdings, requests: 0, batchSize }
  }
  const batches: Address[][] = []
  for (let start = 0; start < accounts.length; start += batchSize)
    batches.push(accounts.slice(start, start + batchSize))
  const blockParameter = { blockHash: parameters.anchor.blockHash }
  await mapConcurrent(batches, parameters.concurrency ?? DEFAULT_MULTICALL_CONCURRENCY, async (batch) => {
    const data = (await client.request({
      method: 'eth_call',
      params: [{ to: contracts.multicall3, data: encodeAccountBatch(batch, kinds) }, blockParameter as never],
    })) as Hex
    const decoded = decodeAggregate3Buffer(data)
    if (decoded.success.length !== batch.length * kinds.length)
      throw new SnapshotReadError(
        `chain ${contracts.chainId}: aggregate3 returned ${decoded.success.length} results`,
      )
    let r = 0
    for (const account of batch) {
      const balances = new Map<Address, bigint>()
      const positions = new Map<number, Position>()
      for (const kind of kinds) {
        const at = decoded.offsets[r]!
        if (!decoded.success[r] || decoded.lengths[r]! < (kind.selector === POSITION ? 96 : 32)) {
          const raw = decoded.buffer.subarray(at, at + decoded.lengths[r]!).toString('hex')
          throw new SnapshotReadError(
            `chain ${contracts.chainId}: ${kind.selector === POSITION ? 'position' : 'balanceOf'}(${account}, ${kind.argument}) failed`,
            { details: describeRevert(`0x${raw}`) },
          )
        }
        r++
        if (kind.selector === BALANCE_OF) {
          const balance = readInt256At(decoded.buffer, at)
          if (balance !== 0n) balances.set(kind.argument as Address, balance)
        } else {
          const size = readInt256At(decoded.buffer, at)
          if (size !== 0n)
            positions.set(kind.argument as number, {
              size,
              openNotional: readInt256At(decoded.buffer, at + 32),
              fundingIndex: readInt256At(decoded.buffer, at + 64),
            })
        }
      }
      holdings.set(account, { balances, positions })
    }
  })
  return { holdings, requests: batches.length, batchSize }
}
