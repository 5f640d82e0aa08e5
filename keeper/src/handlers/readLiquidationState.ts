import {
  type Call3,
  type Call3Result,
  decodeAggregate3,
  encodeAggregate3,
  encodeStaticCall,
  readInt256,
  readUint256,
} from '@xmargin/chain'
import { RetryableError } from '@xmargin/errors'
import { type Address, type Hex, toFunctionSelector } from 'viem'
import type { KeeperChain } from '../keeperChain.js'

/** `Liquidator.params()` (wad values; see contracts/README.md). */
export type LiquidationParams = {
  startDiscount: bigint
  maxDiscount: bigint
  auctionDurationS: bigint
  rewardShare: bigint
  minRewardUsd: bigint
  maxRewardUsd: bigint
  gasOverhead: bigint
  nativeKey: Hex
}

/** Everything a liquidation decision reads from its chain, at one block. */
export type LiquidationState = {
  /** The block every value was read at (`Multicall3.getBlockNumber` inside the same call). */
  blockNumber: bigint
  timestamp: bigint
  lastSequence: bigint
  lastLiquidationSequence: bigint
  lastChangeBlock: bigint
  maxAttestationAge: bigint
  flaggedAt: bigint
  cash: bigint
  /** Position size (wad, signed) per instrument the attestation marks. */
  positions: Map<number, bigint>
  params: LiquidationParams
  /** USD per native token (wad) from the oracle's `nativeKey` feed; undefined when it cannot be read. */
  nativeUsd: bigint | undefined
}

/** `Multicall3`, RiskGuard, Liquidator, vault, book and oracle getters this read uses, by selector. */
const SELECTOR = {
  getBlockNumber: toFunctionSelector('getBlockNumber()'),
  getCurrentBlockTimestamp: toFunctionSelector('getCurrentBlockTimestamp()'),
  lastSequence: toFunctionSelector('lastSequence(address)'),
  lastLiquidationSequence: toFunctionSelector('lastLiquidationSequence(address)'),
  lastChangeBlock: toFunctionSelector('lastChangeBlock(address)'),
  maxAttestationAge: toFunctionSelector('maxAttestationAge()'),
  flaggedAt: toFunctionSelector('flaggedAt(address)'),
  cashOf: toFunctionSelector('cashOf(address)'),
  params: toFunctionSelector('params()'),
  price: toFunctionSelector('price(bytes32)'),
  position: toFunctionSelector('position(address,uint32)'),
} as const

/** The Liquidator's `nativeKey` per chain, so the native price is read in the same call as the rest. */
const nativeKeys = new WeakMap<KeeperChain, Hex>()
const ETH_KEY: Hex = `0x455448${'00'.repeat(29)}`
const NATIVE = 9

/**
 * Reads a liquidation's inputs from its chain in one `eth_call` (a Multicall3 aggregate, so every value is
 * from the same block, whose number and time it reads too): the account's sequences, last change, flag,
 * cash and positions, the RiskGuard's max age, the Liquidator's parameters and the native token's price.
 * Encoded and decoded by hand (`@xmargin/chain`'s aggregate3 codec): it runs for every liquidation job.
 *
 * @example const state = await readLiquidationState(chain, account, [1, 2])
 */
export async function readLiquidationState(
  chain: KeeperChain,
  account: Address,
  instrumentIds: readonly number[],
): Promise<LiquidationState> {
  const { client, contracts } = chain
  const read = async (nativeKey: Hex): Promise<Call3Result[]> => {
    const calls: Call3[] = [
      { target: contracts.multicall3, callData: SELECTOR.getBlockNumber },
      { target: contracts.multicall3, callData: SELECTOR.getCurrentBlockTimestamp },
      { target: contracts.riskGuard, callData: encodeStaticCall(SELECTOR.lastSequence, [account]) },
      {
        target: contracts.liquidator,
        callData: encodeStaticCall(SELECTOR.lastLiquidationSequence, [account]),
      },
      { target: contracts.liquidator, callData: encodeStaticCall(SELECTOR.lastChangeBlock, [account]) },
      { target: contracts.riskGuard, callData: SELECTOR.maxAttestationAge },
      { target: contracts.riskGuard, callData: encodeStaticCall(SELECTOR.flaggedAt, [account]) },
      { target: contracts.collateralVault, callData: encodeStaticCall(SELECTOR.cashOf, [account]) },
      { target: contracts.liquidator, callData: SELECTOR.params },
      // A stale native feed only blocks the profit check, so this one may fail.
      { target: contracts.oracleRouter, callData: `${SELECTOR.price}${nativeKey.slice(2)}` as Hex },
      ...instrumentIds.map((id) => ({
        target: contracts.positionBook,
        callData: encodeStaticCall(SELECTOR.position, [account, id]),
      })),
    ]
    const returnData = (await client.request({
      method: 'eth_call',
      params: [{ to: contracts.multicall3, data: encodeAggregate3(calls) }, 'latest'],
    })) as Hex
    return decodeAggregate3(returnData)
  }
  let nativeKey = nativeKeys.get(chain) ?? ETH_KEY
  let results = await read(nativeKey)
  const params = word(results, 8, 'Liquidator.params', chain)
  // params(): startDiscount, maxDiscount, auctionDurationS, rewardShare, minRewardUsd, maxRewardUsd,
  // gasOverhead, perpMarkBand, optionTolerance, bufferRatio, nativeKey (a static tuple: one word each).
  const key = `0x${params.slice(2 + 10 * 64, 2 + 11 * 64)}` as Hex
  if (key !== nativeKey) {
    // First read on this chain, or the admin changed the native key: read again with the right one.
    nativeKey = key
    nativeKeys.set(chain, key)
    results = await read(key)
  }
  const positions = new Map<number, bigint>()
  instrumentIds.forEach((id, i) => {
    // position(): size, openNotional, fundingIndex
    positions.set(id, readInt256(word(results, NATIVE + 1 + i, `position ${id}`, chain), 0))
  })
  const native = results[NATIVE]
  const uint = (index: number, what: string) => readUint256(word(results, index, what, chain))
  return {
    blockNumber: uint(0, 'block number'),
    timestamp: uint(1, 'block time'),
    lastSequence: uint(2, 'RiskGuard.lastSequence'),
    lastLiquidationSequence: uint(3, 'Liquidator.lastLiquidationSequence'),
    lastChangeBlock: uint(4, 'Liquidator.lastChangeBlock'),
    maxAttestationAge: uint(5, 'RiskGuard.maxAttestationAge'),
    flaggedAt: uint(6, 'RiskGuard.flaggedAt'),
    cash: readInt256(word(results, 7, 'CollateralVault.cashOf', chain)),
    positions,
    params: {
      startDiscount: readUint256(params, 0),
      maxDiscount: readUint256(params, 1),
      auctionDurationS: readUint256(params, 2),
      rewardShare: readUint256(params, 3),
      minRewardUsd: readUint256(params, 4),
      maxRewardUsd: readUint256(params, 5),
      gasOverhead: readUint256(params, 6),
      nativeKey: key,
    },
    nativeUsd: native?.success && native.returnData.length >= 66 ? readUint256(native.returnData) : undefined,
  }
}

function word(results: readonly Call3Result[], index: number, what: string, chain: KeeperChain): Hex {
  const result = results[index]
  if (!result?.success)
    throw new RetryableError(`Could not read ${what} on chain ${chain.chainId}`, {
      details: result
        ? `reverted with ${result.returnData.slice(0, 10)}`
        : 'missing from the multicall result',
    })
  return result.returnData
}
