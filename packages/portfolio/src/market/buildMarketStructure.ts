import type { ChainMap, ChainMarket, InstrumentInfo } from '@xmargin/chain'
import type { Hex } from 'viem'

/** One risk unit: every perpetual market and option series on one underlying, whatever chain lists it. */
export type RiskUnitStructure = {
  /** Underlying symbol, e.g. `ETH` (the OracleRouter key as text). */
  underlying: string
  key: Hex
  perps: InstrumentInfo[]
  /** Live option series (expiry after `asOf` when given). */
  options: InstrumentInfo[]
  /** Distinct option expiries, ascending. */
  expiries: bigint[]
}

/** The instruments of every chain grouped into risk units by underlying. */
export type MarketStructure = {
  units: RiskUnitStructure[]
  /** Every listed instrument by `instrumentKey(chainId, instrumentId)`. */
  instruments: Map<string, InstrumentInfo>
}

/** Cross-chain identity of an instrument, also the series/perp `id` in the margin input. */
export function instrumentKey(chainId: number, instrumentId: number): string {
  return `${chainId}:${instrumentId}`
}

/**
 * Groups the instruments listed on every chain into risk units by underlying (units sorted by symbol,
 * options by expiry, strike, call before put, then chain), dropping expired series when `asOf` is given.
 *
 * @example const { units } = buildMarketStructure(store.markets(), { asOf })
 */
export function buildMarketStructure(
  markets: ChainMap<ChainMarket>,
  options: { asOf?: number | undefined } = {},
): MarketStructure {
  const byKey = new Map<Hex, RiskUnitStructure>()
  const instruments = new Map<string, InstrumentInfo>()
  const chainIds = Object.keys(markets)
    .map(Number)
    .sort((a, b) => a - b)
  for (const chainId of chainIds) {
    for (const instrument of markets[chainId]!.instruments) {
      instruments.set(instrumentKey(chainId, instrument.instrumentId), instrument)
      let unit = byKey.get(instrument.underlying)
      if (!unit) {
        unit = {
          underlying: instrument.symbol,
          key: instrument.underlying,
          perps: [],
          options: [],
          expiries: [],
        }
        byKey.set(instrument.underlying, unit)
      }
      if (instrument.kind === 'perp') unit.perps.push(instrument)
      else if (options.asOf === undefined || instrument.expiry > BigInt(options.asOf))
        unit.options.push(instrument)
    }
  }
  const units = [...byKey.values()].sort((a, b) =>
    a.underlying < b.underlying ? -1 : a.underlying > b.underlying ? 1 : 0,
  )
  for (const unit of units) {
    unit.options.sort(
      (a, b) =>
        compare(a.expiry, b.expiry) ||
        compare(a.strike, b.strike) ||
        Number(b.isCall) - Number(a.isCall) ||
        a.chainId - b.chainId ||
        a.instrumentId - b.instrumentId,
    )
    unit.expiries = [...new Set(unit.options.map((option) => option.expiry))].sort(compare)
  }
  return { units, instruments }
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}
