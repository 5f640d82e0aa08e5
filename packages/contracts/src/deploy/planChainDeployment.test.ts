import { getContractAddress } from 'viem'
import { describe, expect, test } from 'vitest'
import {
  DEFAULT_INSTRUMENTS,
  DEFAULT_LIQUIDATION_PARAMS,
  DEFAULT_TOKENS,
  DEFAULT_UNDERLYINGS,
} from './defaults.js'
import {
  type PlanChainDeploymentParameters,
  planChainDeployment,
  predictMessengerAddress,
  roleId,
  toKey,
  toWad,
} from './planChainDeployment.js'

const deployer = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const base: PlanChainDeploymentParameters = {
  chainId: 31337,
  lzEid: 40101,
  deployer,
  firstNonce: 3,
  now: 1_767_225_600, // 2026-01-01T00:00:00Z
  venue: deployer,
  backstop: deployer,
  funding: deployer,
  lzRelayer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  signers: ['0x14dC79964da2C08b23698B3D3cc7Ca32193d9955', '0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f'],
  threshold: 2,
  tokens: DEFAULT_TOKENS,
  underlyings: DEFAULT_UNDERLYINGS,
  instruments: DEFAULT_INSTRUMENTS,
  liquidation: DEFAULT_LIQUIDATION_PARAMS,
  maxAttestationAgeS: 120,
  tradePriceBand: 0.1,
  remotes: [
    { eid: 40102, messenger: '0x0000000000000000000000000000000000000b0b' },
    { eid: 40103, messenger: '0x0000000000000000000000000000000000000c0c' },
  ],
  seizeRequestGas: 600_000n,
  seizeResultGas: 300_000n,
  messengerFundingWei: 10n ** 18n,
}

describe('planChainDeployment', () => {
  test('default', () => {
    const plan = planChainDeployment(base)
    expect(plan.transactions.map((t) => t.label)).toMatchSnapshot()
    expect(plan.contracts.messenger).toBe(
      predictMessengerAddress({ deployer, firstNonce: 3, tokenCount: 3, underlyingCount: 2 }),
    )
    // the first contract sits at the first nonce
    expect(plan.tokens.USDC!.address).toBe(getContractAddress({ from: deployer, nonce: 3n }))
    expect(plan.instruments.map((i) => i.symbol)).toEqual([
      'ETH-PERP',
      'BTC-PERP',
      'ETH-20260131-3000-C',
      'ETH-20260131-3000-P',
    ])
    expect(plan.instruments[2]!.expiry).toBe(1_767_225_600 + 30 * 86_400 + 8 * 3600)
    expect(Object.keys(plan.feeds)).toEqual(['ETH', 'BTC', `ETH:vol:${plan.instruments[2]!.expiry}`])
    expect(plan.settlementToken).toBe('USDC')
  })

  test('behavior: exactly one settlement token', () => {
    expect(() =>
      planChainDeployment({ ...base, tokens: DEFAULT_TOKENS.map((t) => ({ ...t, priceKey: undefined })) }),
    ).toThrow(/exactly one token must have no priceKey/)
  })

  test('behavior: a token or instrument without a feed is refused', () => {
    expect(() =>
      planChainDeployment({ ...base, instruments: [{ kind: 'perp', underlying: 'SOL' }] }),
    ).toThrow(/instrument 0 has underlying SOL, which has no feed/)
    expect(() =>
      planChainDeployment({
        ...base,
        tokens: [
          ...DEFAULT_TOKENS,
          { symbol: 'WSOL', name: 'SOL', decimals: 9, priceKey: 'SOL', minDeposit: 1n },
        ],
      }),
    ).toThrow(/token WSOL is priced by SOL/)
  })
})

test('toWad, toKey, roleId', () => {
  expect(toWad(0.64)).toBe(640_000_000_000_000_000n)
  expect(toWad(2500)).toBe(2500n * 10n ** 18n)
  expect(toWad(1e-7)).toBe(10n ** 11n)
  expect(toWad(1e21)).toBe(10n ** 39n)
  expect(toKey('ETH')).toBe('0x4554480000000000000000000000000000000000000000000000000000000000')
  expect(roleId('VENUE_ROLE')).toMatchInlineSnapshot(
    `"0x5be903bf6f174c5743ee427282210048774fcf525fb9b997813efd5b846f449c"`,
  )
})
