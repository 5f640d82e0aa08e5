import type { ChainMap, ChainMarket } from '@xmargin/chain'
import { volKey } from '@xmargin/chain'
import type { OptionPosition, PerpPosition } from '@xmargin/margin'
import type { Hex } from 'viem'
import type { PortfolioConfig } from '../config/portfolioConfigSchema.js'
import { MissingMarketDataError } from '../errors.js'
import { instrumentKey } from '../market/buildMarketStructure.js'
import type { AccountPortfolio } from '../state/types.js'
import { resolveSpot } from './marketPrices.js'
import { fromWad, wadMul } from './units.js'

/** An account's positions on one underlying, converted for XPM-1. */
export type AccountUnit = {
  underlying: string
  key: Hex
  /** Unit spot (USD) and the chain it comes from (home chain first). */
  spot: number
  spotChainId: number
  options: OptionPosition[]
  perps: PerpPosition[]
  /** Live option expiries, ascending. */
  expiries: bigint[]
}

/**
 * Groups an account's positions on every chain into risk units by underlying and converts them:
 *
 * - option: amount = size, strike, vol of its chain's feed for (underlying, expiry); id `<chainId>:<instrumentId>`;
 * - perp: mark = its own chain's spot; with the funding index accrued to asOf,
 *   `indexNow = index + ratePerSecond·(asOf − updatedAt)`, `unrealisedPnl = size·mark − openNotional −
 *   size·(indexNow − fundingIndex)` (IPositionBook: longs pay when the index rises);
 * - option premiums: the book moves no cash at trade and books the premium as `openNotional`, so an option
 *   is worth `amount·value − openNotional`: its value stays in the unit (scenarios shock it) and
 *   `−openNotional` goes to `cashAdjustment`;
 * - expired option: worth `size·intrinsic − openNotional` at its settlement price (spot until fixed), all in
 *   `cashAdjustment`, since settling it is equity-neutral.
 *
 * @throws MissingMarketDataError when a held option has no readable vol, or an underlying no price.
 */
export function accountUnits(
  portfolio: AccountPortfolio,
  markets: ChainMap<ChainMarket>,
  config: PortfolioConfig,
  homeChainId: number,
  asOf: number,
): { units: AccountUnit[]; cashAdjustment: number } {
  const units = new Map<Hex, AccountUnit>()
  let cashAdjustment = 0n
  const asOfBig = BigInt(asOf)
  for (const view of Object.values(portfolio.chains)) {
    const market = markets[view.chainId]
    if (!market) continue
    for (const [instrumentId, position] of view.positions) {
      const instrument = market.instruments.find((candidate) => candidate.instrumentId === instrumentId)
      if (!instrument) continue
      let unit = units.get(instrument.underlying)
      if (!unit) {
        const spot = resolveSpot(instrument.underlying, markets, config, homeChainId)
        unit = {
          underlying: instrument.symbol,
          key: instrument.underlying,
          spot: fromWad(spot.price),
          spotChainId: spot.chainId,
          options: [],
          perps: [],
          expiries: [],
        }
        units.set(instrument.underlying, unit)
      }
      const id = instrumentKey(view.chainId, instrumentId)
      if (instrument.kind === 'perp') {
        const mark = resolveSpot(instrument.underlying, markets, config, homeChainId, view.chainId).price
        const funding = market.funding.get(instrumentId)
        const indexNow = funding
          ? funding.index +
            funding.ratePerSecond * (asOfBig > funding.updatedAt ? asOfBig - funding.updatedAt : 0n)
          : position.fundingIndex
        const unrealised =
          wadMul(position.size, mark) -
          position.openNotional -
          wadMul(position.size, indexNow - position.fundingIndex)
        unit.perps.push({
          id,
          chainId: view.chainId,
          size: fromWad(position.size),
          markPrice: fromWad(mark),
          unrealisedPnl: fromWad(unrealised),
        })
      } else if (instrument.expiry <= asOfBig) {
        const settle =
          market.settlementPrices.get(instrumentId) ??
          resolveSpot(instrument.underlying, markets, config, homeChainId, view.chainId).price
        const intrinsic = instrument.isCall
          ? settle > instrument.strike
            ? settle - instrument.strike
            : 0n
          : instrument.strike > settle
            ? instrument.strike - settle
            : 0n
        cashAdjustment += wadMul(position.size, intrinsic) - position.openNotional
      } else {
        const vol = market.vols.get(volKey(instrument.underlying, instrument.expiry))
        if (vol === undefined)
          throw new MissingMarketDataError(
            `no vol for ${instrument.symbol} expiry ${instrument.expiry} on chain ${view.chainId}`,
            {
              details: market.volErrors.get(volKey(instrument.underlying, instrument.expiry)),
            },
          )
        unit.options.push({
          id,
          chainId: view.chainId,
          expiry: Number(instrument.expiry),
          strike: fromWad(instrument.strike),
          isCall: instrument.isCall,
          amount: fromWad(position.size),
          vol: fromWad(vol),
        })
        cashAdjustment -= position.openNotional
        if (!unit.expiries.includes(instrument.expiry)) unit.expiries.push(instrument.expiry)
      }
    }
  }
  const list = [...units.values()].filter((unit) => unit.options.length > 0 || unit.perps.length > 0)
  for (const unit of list) unit.expiries.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  list.sort((a, b) => (a.underlying < b.underlying ? -1 : a.underlying > b.underlying ? 1 : 0))
  return { units: list, cashAdjustment: fromWad(cashAdjustment) }
}
