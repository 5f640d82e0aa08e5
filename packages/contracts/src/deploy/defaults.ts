import type { Address } from 'viem'

/** An ERC-20 mock to deploy and list. Exactly one token has no `priceKey`: the settlement asset (cash). */
export type TokenSpec = {
  symbol: string
  name: string
  decimals: number
  /** OracleRouter key pricing it; omitted for the settlement asset, worth $1 by definition. */
  priceKey?: string | undefined
  /** Smallest deposit in token units (dust deposits are refused). */
  minDeposit: bigint
}

/** An underlying with a mock USD feed (and, for options, mock vol feeds). */
export type UnderlyingSpec = {
  /** OracleRouter key, e.g. `ETH`. */
  key: string
  /** Initial USD price. */
  priceUsd: number
  /** Feed decimals (Chainlink USD feeds use 8). */
  decimals: number
  /** Largest accepted age of an answer, seconds. */
  heartbeatS: number
  /** Largest accepted move from the last accepted answer (0.5 = 50%; 0 = unchecked). */
  maxDeviation: number
  /** Initial implied vol of its option expiries (0.64 = 64%). */
  vol: number
  /** Annualised rate (0.05 = 5%). */
  rate: number
}

/** An instrument to list. Option expiries are absolute (`expiry`) or relative to the chain's clock. */
export type InstrumentSpec =
  | { kind: 'perp'; underlying: string }
  | {
      kind: 'option'
      underlying: string
      /** Strike in USD. */
      strikeUsd: number
      isCall: boolean
      /** Unix seconds; default `expiresInDays` from the chain's latest block, at 08:00 UTC. */
      expiry?: number | undefined
      expiresInDays?: number | undefined
    }

/** Liquidator parameters (wad values as numbers; see contracts/README.md). */
export type LiquidationParamsSpec = {
  startDiscount: number
  maxDiscount: number
  auctionDurationS: number
  rewardShare: number
  minRewardUsd: number
  maxRewardUsd: number
  gasOverhead: number
  perpMarkBand: number
  optionTolerance: number
  bufferRatio: number
  nativeKey: string
}

/** anvil account 1, the devnet's LayerZero relayer (keeper) by default. A public test address. */
export const ANVIL_ACCOUNT_1: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

export const DEFAULT_TOKENS: readonly TokenSpec[] = [
  { symbol: 'USDC', name: 'USD Coin', decimals: 6, minDeposit: 10_000n },
  { symbol: 'WETH', name: 'Wrapped Ether', decimals: 18, priceKey: 'ETH', minDeposit: 10n ** 12n },
  { symbol: 'WBTC', name: 'Wrapped Bitcoin', decimals: 8, priceKey: 'BTC', minDeposit: 100n },
]

/** A day of heartbeat: an idle devnet stays readable; the demo moves prices itself. */
export const DEFAULT_UNDERLYINGS: readonly UnderlyingSpec[] = [
  { key: 'ETH', priceUsd: 3000, decimals: 8, heartbeatS: 86_400, maxDeviation: 0.5, vol: 0.64, rate: 0.05 },
  { key: 'BTC', priceUsd: 60_000, decimals: 8, heartbeatS: 86_400, maxDeviation: 0.5, vol: 0.55, rate: 0.05 },
]

export const DEFAULT_INSTRUMENTS: readonly InstrumentSpec[] = [
  { kind: 'perp', underlying: 'ETH' },
  { kind: 'perp', underlying: 'BTC' },
  { kind: 'option', underlying: 'ETH', strikeUsd: 3000, isCall: true, expiresInDays: 30 },
  { kind: 'option', underlying: 'ETH', strikeUsd: 3000, isCall: false, expiresInDays: 30 },
]

/** The agreed defaults (DESIGN decisions): d from 1% to 5% over 600 s, half the penalty to the keeper. */
export const DEFAULT_LIQUIDATION_PARAMS: LiquidationParamsSpec = {
  startDiscount: 0.01,
  maxDiscount: 0.05,
  auctionDurationS: 600,
  rewardShare: 0.5,
  minRewardUsd: 1,
  maxRewardUsd: 2500,
  gasOverhead: 400_000,
  perpMarkBand: 0.05,
  optionTolerance: 0.1,
  bufferRatio: 0.1,
  nativeKey: 'ETH',
}

export const DEFAULT_MAX_ATTESTATION_AGE_S = 120
/** Perp trade prices must lie within this band around the oracle spot. */
export const DEFAULT_TRADE_PRICE_BAND = 0.1
/** LZ_RECEIVE gas the destination gets for a seize request (vault seizure + the reply's send). */
export const DEFAULT_SEIZE_REQUEST_GAS = 600_000n
/** LZ_RECEIVE gas for a seize result (cash credit and, on the last reply, bad-debt accounting). */
export const DEFAULT_SEIZE_RESULT_GAS = 300_000n
/** Native balance each Messenger gets to pay its replies. */
export const DEFAULT_MESSENGER_FUNDING_WEI = 10n ** 18n
