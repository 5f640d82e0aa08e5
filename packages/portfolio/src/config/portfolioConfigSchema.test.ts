import { expect, test } from 'vitest'
import { chainPenaltyOf, haircutOf, portfolioConfigSchema } from './portfolioConfigSchema.js'

test('default', () => {
  const config = portfolioConfigSchema.parse({})
  expect(config).toMatchInlineSnapshot(`
    {
      "chainPenalties": {},
      "chainPenalty": 0.02,
      "defaultHaircut": 0.25,
      "haircuts": {
        "USDC": 0,
        "WBTC": 0.08,
        "WETH": 0.1,
      },
      "priceSource": "aggregator",
    }
  `)
  expect(chainPenaltyOf(config, 31337, 31337)).toBe(0)
  expect(chainPenaltyOf(config, 31338, 31337)).toBe(0.02)
  expect(haircutOf(config, 'WETH')).toBe(0.1)
  expect(haircutOf(config, 'DOGE')).toBe(0.25)
})

test('behavior: overrides per chain and a bad field named', () => {
  const config = portfolioConfigSchema.parse({ chainPenalties: { '31337': 0.01 } })
  expect(chainPenaltyOf(config, 31337, 31337)).toBe(0.01)
  const result = portfolioConfigSchema.safeParse({ haircuts: { WETH: 1.5 } })
  expect(result.success).toBe(false)
  expect(result.error?.issues[0]?.path).toEqual(['haircuts', 'WETH'])
})
