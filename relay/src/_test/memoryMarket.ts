import { type Address, getAddress } from 'viem'
import type { MemoryMarketSpec } from '../portfolio/createMemoryPortfolio.js'

// A small three-chain market for in-memory tests: USDC (settlement) and WETH on every chain, an ETH perp
// on every chain, an ETH call on chain B. Prices in USD.

export const CHAINS = [31337, 31338, 31339] as const
export const [A, B, C] = CHAINS
export const ASOF = 1_767_225_600
export const EXPIRY = ASOF + 30 * 86_400

/** A fake token address per chain and symbol (stable across runs). */
export function tokenAddress(chainId: number, symbol: string): Address {
  const code = symbol === 'USDC' ? 1 : 2
  return getAddress(`0x${(chainId * 16 + code).toString(16).padStart(40, '0')}`)
}

export const ETH_PERP = 1
export const ETH_CALL = 2

export const marketSpec: MemoryMarketSpec = {
  asOf: ASOF,
  chains: CHAINS.map((chainId, i) => ({ chainId, eid: 40_101 + i })),
  underlyings: [{ symbol: 'ETH', spot: 3_000, rate: 0.05, vol: 0.6 }],
  instruments: [
    ...CHAINS.map((chainId) => ({
      chainId,
      instrumentId: ETH_PERP,
      kind: 'perp' as const,
      underlying: 'ETH',
    })),
    {
      chainId: B,
      instrumentId: ETH_CALL,
      kind: 'option',
      underlying: 'ETH',
      expiry: EXPIRY,
      strike: 3_000,
      isCall: true,
    },
  ],
  assets: CHAINS.flatMap((chainId) => [
    {
      chainId,
      address: tokenAddress(chainId, 'USDC'),
      symbol: 'USDC',
      decimals: 6,
      isSettlement: true,
      price: 1,
    },
    {
      chainId,
      address: tokenAddress(chainId, 'WETH'),
      symbol: 'WETH',
      decimals: 18,
      isSettlement: false,
      price: 3_000,
    },
  ]),
  haircuts: { WETH: 0.1 },
  chainPenalties: { [B]: 0.02, [C]: 0.02 },
}

export const usdc = (amount: number) => BigInt(Math.round(amount * 1e6))
export const wad = (amount: number) => BigInt(Math.round(amount * 1e6)) * 10n ** 12n
