import { collateralVaultAbi, oracleRouterAbi } from '@xmargin/contracts'
import type { Address, Hex } from 'viem'
import type { KeeperChain } from '../keeperChain.js'
import type { RemoteCollateral } from './planRoutes.js'

type AssetInfo = { asset: Address; decimals: number; priceKey: Hex; settlement: boolean }
const assetCache = new WeakMap<KeeperChain, Promise<AssetInfo[]>>()

/**
 * What a remote chain's vault would let its Messenger seize from `account`, in wad USD: positive cash plus
 * every collateral asset at that chain's oracle price (assets it cannot price are left out, as the vault
 * skips them). Chains that cannot be read count as holding nothing (the liquidation still goes ahead).
 *
 * @example await readRemoteCollateral([chainB, chainC], account) // [{ dstEid: 40102, valueUsd: 2500n * 10n ** 18n }]
 */
export async function readRemoteCollateral(
  chains: readonly KeeperChain[],
  account: Address,
  onError?: (chain: KeeperChain, error: unknown) => void,
): Promise<RemoteCollateral[]> {
  const values = await Promise.all(
    chains.map(async (chain) => {
      try {
        return { dstEid: chain.eid, valueUsd: await collateralValue(chain, account) }
      } catch (error) {
        onError?.(chain, error)
        return { dstEid: chain.eid, valueUsd: 0n }
      }
    }),
  )
  return values.filter((value) => value.valueUsd > 0n)
}

async function collateralValue(chain: KeeperChain, account: Address): Promise<bigint> {
  const assets = await listAssets(chain)
  const vault = { address: chain.contracts.collateralVault, abi: collateralVaultAbi } as const
  const results = await chain.client.multicall({
    allowFailure: true,
    contracts: assets.flatMap((info) => [
      { ...vault, functionName: 'balanceOf', args: [account, info.asset] } as const,
      info.settlement
        ? ({ ...vault, functionName: 'unitsToUsd', args: [1n] } as const)
        : ({
            address: chain.contracts.oracleRouter,
            abi: oracleRouterAbi,
            functionName: 'price',
            args: [info.priceKey],
          } as const),
    ]),
  })
  let total = 0n
  assets.forEach((info, i) => {
    const balance = results[2 * i]
    const price = results[2 * i + 1]
    if (balance?.status !== 'success' || price?.status !== 'success') return
    const amount = balance.result as bigint
    if (amount <= 0n) return
    // settlement: units × usd-per-unit; other assets: amount × price / 10^decimals (both wad USD, down)
    total += info.settlement
      ? amount * (price.result as bigint)
      : (amount * (price.result as bigint)) / 10n ** BigInt(info.decimals)
  })
  return total
}

function listAssets(chain: KeeperChain): Promise<AssetInfo[]> {
  let cached = assetCache.get(chain)
  if (!cached) {
    cached = loadAssets(chain)
    assetCache.set(chain, cached)
    cached.catch(() => assetCache.delete(chain))
  }
  return cached
}

async function loadAssets(chain: KeeperChain): Promise<AssetInfo[]> {
  const vault = { address: chain.contracts.collateralVault, abi: collateralVaultAbi } as const
  const [assets, settlementAsset] = await chain.client.multicall({
    allowFailure: false,
    contracts: [
      { ...vault, functionName: 'assets' },
      { ...vault, functionName: 'settlementAsset' },
    ],
  })
  const configs = await chain.client.multicall({
    allowFailure: false,
    contracts: assets.map((asset) => ({ ...vault, functionName: 'assetConfig', args: [asset] }) as const),
  })
  return assets.map((asset, i) => ({
    asset,
    decimals: Number(configs[i]!.decimals),
    priceKey: configs[i]!.priceKey,
    settlement: asset.toLowerCase() === settlementAsset.toLowerCase(),
  }))
}
