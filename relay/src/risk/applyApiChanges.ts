import { applyChange, type MarginInput, MarginInputError } from '@xmargin/margin'
import type { SimulateChange } from '@xmargin/sdk'
import { getAddress, isAddress } from 'viem'
import type { AssetRef, PortfolioAccount, PortfolioMarket } from '../portfolio/types.js'
import { positionId } from '../portfolio/types.js'

/** A change the portfolio cannot take, with the request field at fault. */
export type ChangeRefusal = { code: 'invalidChange' | 'insufficientBalance'; field: string; message: string }

/**
 * An account's XPM-1 input after API-level changes (trades by chain and instrument id, withdrawals and
 * deposits by chain and asset), applied in order with the market's marks and vols. A change the account
 * cannot make (unknown instrument or asset, a withdrawal above the chain's balance) is refused with the
 * field at fault, `field` relative to the change (`changes[0].asset`).
 *
 * @example applyApiChanges(portfolio, market, [{ kind: 'withdraw', chainId: 31337, asset: 'WETH', amount: 1 }])
 */
export function applyApiChanges(
  portfolio: PortfolioAccount,
  market: PortfolioMarket,
  changes: readonly SimulateChange[],
  fieldPrefix = 'changes',
): { input: MarginInput } | { refusal: ChangeRefusal } {
  let input = portfolio.input
  const withdrawn = new Map<string, bigint>()
  for (const [i, change] of changes.entries()) {
    const at = (field: string) => `${fieldPrefix}[${i}].${field}`
    try {
      if (change.kind === 'trade') {
        const id = positionId(change.chainId, change.instrumentId)
        const instrument = market.instruments.get(id)
        if (!instrument)
          return refuse(
            'invalidChange',
            at('instrumentId'),
            `no instrument ${change.instrumentId} on chain ${change.chainId}`,
          )
        input = withUnit(input, market, instrument.underlying, instrument.expiry)
        if (instrument.kind === 'perp') {
          const markPrice = market.perpMarks.get(id)
          if (markPrice === undefined)
            return refuse('invalidChange', at('instrumentId'), `no mark for instrument ${id}`)
          input = applyChange(input, {
            kind: 'perp',
            underlying: instrument.underlying,
            size: change.size,
            markPrice,
            price: change.price,
            id,
            chainId: change.chainId,
          })
        } else {
          const series = market.state.units
            .find((unit) => unit.underlying === instrument.underlying)
            ?.series.find((s) => s.id === id)
          if (!series) return refuse('invalidChange', at('instrumentId'), `no vol for option ${id}`)
          input = applyChange(input, {
            kind: 'option',
            underlying: instrument.underlying,
            expiry: instrument.expiry!,
            strike: instrument.strike!,
            isCall: instrument.isCall!,
            amount: change.size,
            vol: series.vol,
            price: change.price,
            id,
            chainId: change.chainId,
          })
        }
        continue
      }
      const asset = findAsset(market, change.chainId, change.asset)
      if (!asset)
        return refuse('invalidChange', at('asset'), `no asset ${change.asset} on chain ${change.chainId}`)
      if (change.kind === 'withdraw') {
        const units = toUnits(change.amount, asset.decimals)
        const chain = portfolio.chains.find((c) => c.chainId === change.chainId)
        const balance =
          [...(chain?.balances ?? [])].find(([a]) => a.toLowerCase() === asset.address.toLowerCase())?.[1] ??
          0n
        const key = `${asset.chainId}:${asset.address}`
        const total = (withdrawn.get(key) ?? 0n) + units
        if (total > balance)
          return refuse(
            'insufficientBalance',
            at('amount'),
            `the account holds ${Number(balance) / 10 ** asset.decimals} ${asset.symbol} on chain ${change.chainId}`,
          )
        withdrawn.set(key, total)
        input = asset.isSettlement
          ? { ...input, cash: (input.cash ?? 0) - change.amount }
          : applyChange(input, {
              kind: 'withdrawCollateral',
              asset: asset.symbol,
              chainId: asset.chainId,
              amount: change.amount,
            })
        continue
      }
      input = deposit(input, asset, change.amount)
    } catch (error) {
      if (error instanceof MarginInputError)
        return refuse('invalidChange', `${fieldPrefix}[${i}]`, error.shortMessage)
      throw error
    }
  }
  return { input }
}

function refuse(code: ChangeRefusal['code'], field: string, message: string): { refusal: ChangeRefusal } {
  return { refusal: { code, field, message } }
}

/** The asset of a chain by symbol (case-insensitive) or address. */
export function findAsset(market: PortfolioMarket, chainId: number, asset: string): AssetRef | undefined {
  const byAddress = isAddress(asset, { strict: false }) ? getAddress(asset) : undefined
  return market.assets.find(
    (a) =>
      a.chainId === chainId &&
      (byAddress
        ? a.address.toLowerCase() === byAddress.toLowerCase()
        : a.symbol.toLowerCase() === asset.toLowerCase()),
  )
}

/** Whole tokens as token units, rounded up (a withdrawal check must not understate). */
function toUnits(amount: number, decimals: number): bigint {
  return BigInt(Math.ceil(amount * 10 ** Math.min(decimals, 15))) * 10n ** BigInt(Math.max(0, decimals - 15))
}

function deposit(input: MarginInput, asset: AssetRef, amount: number): MarginInput {
  if (asset.isSettlement) return { ...input, cash: (input.cash ?? 0) + amount }
  if (asset.price === undefined)
    throw new MarginInputError(`${asset.symbol} on chain ${asset.chainId} has no price`)
  const lines = input.collateral ?? []
  const index = lines.findIndex((line) => line.asset === asset.symbol && line.chainId === asset.chainId)
  const collateral =
    index >= 0
      ? lines.map((line, i) => (i === index ? { ...line, amount: line.amount + amount } : line))
      : [
          ...lines,
          {
            asset: asset.symbol,
            chainId: asset.chainId,
            amount,
            price: asset.price,
            haircut: asset.haircut ?? 0,
            chainPenalty: asset.chainPenalty ?? 0,
          },
        ]
  return { ...input, collateral }
}

/** The input with the market's unit for `underlying` (and `expiry`) added when the account has none yet. */
function withUnit(
  input: MarginInput,
  market: PortfolioMarket,
  underlying: string,
  expiry: number | undefined,
): MarginInput {
  const marketUnit = market.state.units.find((unit) => unit.underlying === underlying)
  if (!marketUnit) throw new MarginInputError(`no market for ${underlying}`)
  const index = input.units.findIndex((unit) => unit.underlying === underlying)
  if (index < 0)
    return {
      ...input,
      units: [
        ...input.units,
        {
          underlying,
          spot: marketUnit.spot,
          expiries: marketUnit.expiries.filter((e) => e.expiry === expiry),
          options: [],
          perps: [],
        },
      ],
    }
  const unit = input.units[index]!
  if (expiry === undefined || unit.expiries?.some((e) => e.expiry === expiry)) return input
  const curve = marketUnit.expiries.find((e) => e.expiry === expiry)
  if (!curve) throw new MarginInputError(`no ${underlying} expiry ${expiry} in the market`)
  const expiries = [...(unit.expiries ?? []), curve].sort((a, b) => a.expiry - b.expiry)
  return { ...input, units: input.units.map((u, i) => (i === index ? { ...u, expiries } : u)) }
}
