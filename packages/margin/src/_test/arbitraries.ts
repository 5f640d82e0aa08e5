import fc from 'fast-check'
import type {
  CollateralLine,
  MarginInput,
  OptionPosition,
  PerpPosition,
  RiskUnitInput,
} from '../input/marginInputSchema.js'

/*
 * fast-check generators of valid margin inputs, for the property tests. Amounts are multiples of 0.1
 * and prices whole numbers, so that counterexamples read well.
 */

export const AS_OF = 1_767_225_600
const DAY_S = 86_400

const tenths = (min: number, max: number) => fc.integer({ min: min * 10, max: max * 10 }).map((x) => x / 10)

export type UnitArbitraryOptions = {
  underlying?: string
  spot?: number
  maxOptions?: number
  maxPerps?: number
  withIds?: boolean
  chainIds?: readonly number[]
}

/** A risk unit with 1–3 expiries from 6 hours to 400 days, some options on them and some perpetuals. */
export function unitArbitrary(options: UnitArbitraryOptions = {}): fc.Arbitrary<RiskUnitInput> {
  const underlying = options.underlying ?? 'ETH'
  const spot = options.spot ?? 3500
  const chainIds = options.chainIds ?? [31337, 31338]
  return fc
    .uniqueArray(fc.integer({ min: 6 * 3600, max: 400 * DAY_S }), { minLength: 1, maxLength: 3 })
    .chain((offsets) => {
      const expiries = offsets.map((offset) => {
        const timeYears = offset / 31_536_000
        const rate = 0.06
        return {
          expiry: AS_OF + offset,
          forward: Math.round(spot * (1 + 0.02 * timeYears) * 100) / 100,
          rate,
          discount: Math.exp(-rate * timeYears),
        }
      })
      const option = fc.record({
        expiry: fc.constantFrom(...expiries.map((e) => e.expiry)),
        strike: fc.integer({ min: 50, max: 160 }).map((pct) => Math.round((spot * pct) / 100)),
        isCall: fc.boolean(),
        amount: tenths(-10, 10),
        vol: fc.integer({ min: 20, max: 150 }).map((pct) => pct / 100),
        chainId: fc.constantFrom(...chainIds),
      })
      const perp = fc.record({
        size: tenths(-5, 5),
        markPrice: fc.integer({ min: 99, max: 101 }).map((pct) => (spot * pct) / 100),
        unrealisedPnl: fc.integer({ min: -1000, max: 1000 }),
        chainId: fc.constantFrom(...chainIds),
      })
      return fc
        .record({
          options: fc.array(option, { maxLength: options.maxOptions ?? 6 }),
          perps: fc.array(perp, { maxLength: options.maxPerps ?? 2 }),
        })
        .map(({ options: legs, perps }) => ({
          underlying,
          spot,
          expiries,
          options: legs.map(
            (leg, i): OptionPosition => (options.withIds ? { ...leg, id: `${underlying}-o${i}` } : leg),
          ),
          perps: perps.map(
            (p, i): PerpPosition => (options.withIds ? { ...p, id: `${underlying}-p${i}` } : p),
          ),
        }))
    })
}

export const collateralArbitrary: fc.Arbitrary<CollateralLine[]> = fc.array(
  fc.oneof(
    fc
      .integer({ min: 0, max: 200_000 })
      .map((amount) => ({ asset: 'USDC', chainId: 31337, amount, price: 1, haircut: 0 })),
    tenths(0, 20).map((amount) => ({
      asset: 'WETH',
      chainId: 31338,
      amount,
      price: 3500,
      haircut: 0.1,
      chainPenalty: 0.02,
    })),
  ),
  { maxLength: 2 },
)

export type InputArbitraryOptions = { twoUnits?: boolean; withIds?: boolean; maxOptions?: number }

/** A whole margin input: cash, collateral, one or two units (ETH, BTC), default params. */
export function marginInputArbitrary(options: InputArbitraryOptions = {}): fc.Arbitrary<MarginInput> {
  const shared = {
    withIds: options.withIds ?? false,
    ...(options.maxOptions === undefined ? {} : { maxOptions: options.maxOptions }),
  }
  const units = options.twoUnits
    ? fc.tuple(
        unitArbitrary({ ...shared, underlying: 'ETH', spot: 3500 }),
        unitArbitrary({ ...shared, underlying: 'BTC', spot: 100_000 }),
      )
    : fc.tuple(unitArbitrary({ ...shared, underlying: 'ETH', spot: 3500 }))
  return fc.record({
    asOf: fc.constant(AS_OF),
    cash: fc.integer({ min: -10_000, max: 100_000 }),
    collateral: collateralArbitrary,
    units: units.map((list): RiskUnitInput[] => [...list]),
  })
}
