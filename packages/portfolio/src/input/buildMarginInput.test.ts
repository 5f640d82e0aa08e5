import { buildRiskArrays, computeMargin, marginFromRiskArrays, parseMarginInput } from '@xmargin/margin'
import { expect, test } from 'vitest'
import { ASOF, alice, chainSnapshot, ETH, EXPIRY, market, usdc, WAD, weth } from '../_test/fixtures.js'
import { portfolioConfigSchema } from '../config/portfolioConfigSchema.js'
import { buildMarketStructure } from '../market/buildMarketStructure.js'
import { toRiskArrayMarket } from '../market/toRiskArrayMarket.js'
import { createPortfolioStore } from '../state/createPortfolioStore.js'
import { buildMarginInput } from './buildMarginInput.js'
import { toRiskArrayAccount } from './toRiskArrayAccount.js'

function setup() {
  const b = market(31338)
  // An expired ETH put (strike 4 000) whose settlement price was fixed at 3 600.
  b.instruments.push({
    chainId: 31338,
    instrumentId: 4,
    kind: 'option',
    underlying: ETH,
    symbol: 'ETH',
    expiry: BigInt(ASOF - 10),
    strike: 4_000n * WAD,
    isCall: false,
  })
  b.settlementPrices.set(4, 3_600n * WAD)
  const store = createPortfolioStore({ chainIds: [31337, 31338] })
  store.loadChainSnapshot(
    chainSnapshot(market(31337), [
      [
        alice,
        {
          balances: new Map([
            [usdc(31337), 1_000n * 10n ** 6n],
            [weth(31337), 2n * WAD],
          ]),
          positions: new Map(),
        },
      ],
    ]),
  )
  store.loadChainSnapshot(
    chainSnapshot(b, [
      [
        alice,
        {
          balances: new Map([
            [usdc(31338), -250n * 10n ** 6n],
            [weth(31338), WAD],
          ]),
          positions: new Map([
            [1, { size: 2n * WAD, openNotional: 7_000n * WAD, fundingIndex: 0n }],
            [2, { size: -5n * WAD, openNotional: -500n * WAD, fundingIndex: 0n }],
            [4, { size: WAD, openNotional: 300n * WAD, fundingIndex: 0n }],
          ]),
        },
      ],
    ]),
  )
  return store
}

test('default: the XPM-1 input of an account across two chains', () => {
  const store = setup()
  const config = portfolioConfigSchema.parse({})
  const { input, anchors } = buildMarginInput({
    portfolio: store.account(alice),
    markets: store.markets(),
    config,
  })
  const timeYears = (Number(EXPIRY) - ASOF) / 31_536_000
  expect(input).toEqual({
    asOf: ASOF,
    // 1 000 − 250 USDC; the expired put: 1 × (4 000 − 3 600) − 300 paid; the short call's −500 basis (received)
    cash: 1_350,
    collateral: [
      { asset: 'WETH', chainId: 31337, amount: 2, price: 3_500, haircut: 0.1, chainPenalty: 0 },
      { asset: 'WETH', chainId: 31338, amount: 1, price: 3_500, haircut: 0.1, chainPenalty: 0.02 },
    ],
    units: [
      {
        underlying: 'ETH',
        spot: 3_500,
        expiries: [
          {
            expiry: Number(EXPIRY),
            forward: 3_500 * Math.exp(0.05 * timeYears),
            rate: 0.05,
            discount: Math.exp(-0.05 * timeYears),
          },
        ],
        options: [
          {
            id: '31338:2',
            chainId: 31338,
            expiry: Number(EXPIRY),
            strike: 4_000,
            isCall: true,
            amount: -5,
            vol: 0.64,
          },
        ],
        // 2 × 3 500 − 7 000 − 2 × (index 10 + 0.001 × 1 000 s − 0)
        perps: [{ id: '31338:1', chainId: 31338, size: 2, markPrice: 3_500, unrealisedPnl: -22 }],
      },
    ],
  })
  expect(anchors.map((anchor) => anchor.chainId)).toEqual([31337, 31338])
  // The margin package accepts it as is.
  expect(() => parseMarginInput(input)).not.toThrow()
})

test('behavior: the risk-array path gives the same margin as the direct one', () => {
  const store = setup()
  const config = portfolioConfigSchema.parse({})
  const markets = store.markets()
  const structure = buildMarketStructure(markets, { asOf: ASOF })
  expect(structure.units.map((unit) => [unit.underlying, unit.perps.length, unit.options.length])).toEqual([
    ['ETH', 2, 4],
  ])
  const { market: riskMarket, missing } = toRiskArrayMarket({ structure, markets, config, asOf: ASOF })
  expect(missing).toEqual([])
  const arrays = buildRiskArrays(riskMarket)
  const fast = marginFromRiskArrays(
    arrays,
    toRiskArrayAccount({ portfolio: store.account(alice), riskMarket, markets, config }),
  )
  const direct = computeMargin(buildMarginInput({ portfolio: store.account(alice), markets, config }).input)
  for (const field of ['equity', 'initialMargin', 'maintenanceMargin'] as const)
    expect(fast[field]).toBeCloseTo(direct[field], 6)
})

test('behavior: a held option without a readable vol is named', () => {
  const store = setup()
  const markets = store.markets()
  markets[31338]!.vols.clear()
  expect(() =>
    buildMarginInput({ portfolio: store.account(alice), markets, config: portfolioConfigSchema.parse({}) }),
  ).toThrow(`no vol for ETH expiry ${EXPIRY} on chain 31338`)
})
