import type { AccountHoldings, ChainMarket, LogEvent } from '@xmargin/chain'
import { bytes32ToSymbol, volKey } from '@xmargin/chain'
import { type Address, getAddress } from 'viem'

/** What applying one event changed. */
export type EventEffect = {
  /** Accounts whose holdings changed, or that the event is about (attestation, permit, flag, liquidation). */
  accounts: Address[]
  /** Symbols whose price, funding or settlement moved (an underlying or a collateral price key). */
  priceMoves: string[]
  /** The chain's listed assets, instruments or feeds changed: its market must be re-read. */
  marketChanged: boolean
}

const NO_EFFECT: EventEffect = { accounts: [], priceMoves: [], marketChanged: false }

/**
 * Applies one decoded event to a chain's holdings and market, in place. Every vault and book event
 * carries the full value after it (`balanceAfter`, `sizeAfter`, …), so applying is assigning, and applying
 * the same event twice is harmless; the store still applies each once by its position.
 *
 * @example const effect = applyEvent(holdings, market, event)
 */
export function applyEvent(
  holdings: Map<Address, AccountHoldings>,
  market: ChainMarket,
  event: LogEvent,
): EventEffect {
  const settlement = market.settlementAsset
  const holdingsOf = (account: Address): AccountHoldings => {
    let entry = holdings.get(account)
    if (!entry) {
      entry = { balances: new Map(), positions: new Map() }
      holdings.set(account, entry)
    }
    return entry
  }
  const setBalance = (account: Address, asset: Address, balance: bigint) => {
    const entry = holdingsOf(getAddress(account))
    if (balance === 0n) entry.balances.delete(getAddress(asset))
    else entry.balances.set(getAddress(asset), balance)
  }
  switch (event.kind) {
    case 'deposit':
    case 'withdrawal':
      setBalance(event.account, event.asset, event.balanceAfter)
      return { ...NO_EFFECT, accounts: [getAddress(event.account)] }
    case 'seizure':
      setBalance(event.account, event.asset, event.balanceAfter)
      setBalance(event.to, event.asset, event.toBalanceAfter)
      return { ...NO_EFFECT, accounts: [getAddress(event.account), getAddress(event.to)] }
    case 'cashMove': {
      setBalance(event.from, settlement, event.fromBalanceAfter)
      if (event.toBalanceAfter === undefined) return { ...NO_EFFECT, accounts: [getAddress(event.from)] }
      setBalance(event.to, settlement, event.toBalanceAfter)
      return { ...NO_EFFECT, accounts: [getAddress(event.from), getAddress(event.to)] }
    }
    case 'positionChange': {
      const account = getAddress(event.account)
      const entry = holdingsOf(account)
      if (event.sizeAfter === 0n) entry.positions.delete(event.instrumentId)
      else
        entry.positions.set(event.instrumentId, {
          size: event.sizeAfter,
          openNotional: event.openNotionalAfter,
          fundingIndex: event.fundingIndexAfter,
        })
      return { ...NO_EFFECT, accounts: [account] }
    }
    case 'fundingUpdate': {
      market.funding.set(event.instrumentId, {
        index: event.index,
        ratePerSecond: event.ratePerSecond,
        updatedAt: event.timestamp,
      })
      return { ...NO_EFFECT, priceMoves: symbolOfInstrument(market, event.instrumentId) }
    }
    case 'settlementPrice':
      market.settlementPrices.set(event.instrumentId, event.price)
      return { ...NO_EFFECT, priceMoves: symbolOfInstrument(market, event.instrumentId) }
    case 'priceUpdate': {
      if (event.key === undefined) return NO_EFFECT
      const quote = market.prices.get(event.key)
      if (quote) {
        if (event.source === 'aggregator') {
          quote.aggregatorPrice = event.price
          quote.aggregatorUpdatedAt = event.updatedAt
          quote.price = event.price
        } else {
          quote.lastAccepted = event.price
          quote.guardedPrice = event.price
          quote.guardError = undefined
        }
      }
      return { ...NO_EFFECT, priceMoves: [bytes32ToSymbol(event.key)] }
    }
    case 'volUpdate':
      market.vols.set(volKey(event.key, event.expiry), event.vol)
      market.volErrors.delete(volKey(event.key, event.expiry))
      return { ...NO_EFFECT, priceMoves: [bytes32ToSymbol(event.key)] }
    case 'oracleConfig':
      if (event.change === 'rate' && event.rate !== undefined) {
        market.rates.set(event.key, event.rate)
        return { ...NO_EFFECT, priceMoves: [bytes32ToSymbol(event.key)] }
      }
      return { ...NO_EFFECT, priceMoves: [bytes32ToSymbol(event.key)], marketChanged: true }
    case 'instrumentListed':
    case 'assetListed':
      return { ...NO_EFFECT, marketChanged: true }
    case 'liquidation':
    case 'attestationPosted':
    case 'permitUsed':
    case 'flag':
      return { ...NO_EFFECT, accounts: [getAddress(event.account)] }
    case 'liquidationStep':
      return { ...NO_EFFECT, accounts: event.account ? [getAddress(event.account)] : [] }
    case 'other':
      return NO_EFFECT
  }
}

function symbolOfInstrument(market: ChainMarket, instrumentId: number): string[] {
  const instrument = market.instruments.find((candidate) => candidate.instrumentId === instrumentId)
  return instrument ? [instrument.symbol] : []
}
