import { expect, test } from 'vitest'
import {
  type AttestationView,
  assessLiquidation,
  decideLiquidation,
  type LiquidationChainView,
} from './decideLiquidation.js'

const attestation: AttestationView = {
  sequence: 7n,
  equity: 500n,
  maintenanceMargin: 800n,
  asOf: 1_000n,
  expiry: 1_120n,
  anchorBlock: 50n,
}
const chain: LiquidationChainView = {
  blockNumber: 52n,
  timestamp: 1_010n,
  lastSequence: 6n,
  lastLiquidationSequence: 3n,
  lastChangeBlock: 40n,
  maxAttestationAge: 120n,
  cash: 100n,
  closeCount: 1,
}

test('default: a fresh unhealthy attestation with something to close goes on', () => {
  expect(assessLiquidation(attestation, chain)).toEqual({ action: 'continue' })
  // Posted already by someone (same sequence) is fine: the Liquidator accepts the latest as is.
  expect(assessLiquidation(attestation, { ...chain, lastSequence: 7n })).toEqual({ action: 'continue' })
})

test('behavior: every row of the state table, in order', () => {
  const rows: Array<[string, Partial<AttestationView>, Partial<LiquidationChainView>]> = [
    ['liquidated with this sequence', {}, { lastLiquidationSequence: 7n }],
    ['liquidated with a newer one', {}, { lastLiquidationSequence: 8n, lastSequence: 8n }],
    ['a newer attestation posted', {}, { lastSequence: 8n }],
    ['attested healthy', { equity: 800n }, {}],
    ['expired', { expiry: 1_010n }, {}],
    ['too old', {}, { timestamp: 1_120n }],
    ['account changed after the anchor', {}, { lastChangeBlock: 51n }],
    ['anchor is the head', {}, { blockNumber: 50n }],
    ['anchor above the head', {}, { blockNumber: 49n, lastChangeBlock: 0n }],
    ['relay clock ahead', { asOf: 1_100n, expiry: 1_300n }, { timestamp: 1_000n }],
    ['nothing to close, cash positive', {}, { closeCount: 0 }],
    ['nothing to close, cash negative', {}, { closeCount: 0, cash: -1n }],
  ]
  expect(
    Object.fromEntries(
      rows.map(([name, a, c]) => {
        const result = assessLiquidation({ ...attestation, ...a }, { ...chain, ...c })
        return [name, 'reason' in result ? `${result.action} ${result.reason}` : result.action]
      }),
    ),
  ).toMatchInlineSnapshot(`
    {
      "a newer attestation posted": "done superseded",
      "account changed after the anchor": "done staleAnchor",
      "anchor above the head": "wait anchorNotFinal",
      "anchor is the head": "continue",
      "attested healthy": "done healthy",
      "expired": "done expired",
      "liquidated with a newer one": "done alreadyLiquidated",
      "liquidated with this sequence": "done alreadyLiquidated",
      "nothing to close, cash negative": "continue",
      "nothing to close, cash positive": "done nothingToLiquidate",
      "relay clock ahead": "wait attestationFromFuture",
      "too old": "done expired",
    }
  `)
})

test('behavior: profitability: reward against gas, bad debt runs anyway', () => {
  expect(decideLiquidation({ rewardUsd: 12.5, costUsd: 1.7, minProfitUsd: 0, badDebt: false })).toMatchObject(
    {
      action: 'run',
      reason: 'profitable',
    },
  )
  expect(
    decideLiquidation({ rewardUsd: 12.5, costUsd: 1.7, minProfitUsd: 20, badDebt: false }),
  ).toMatchObject({
    action: 'skip',
    reason: 'unprofitable',
  })
  expect(decideLiquidation({ rewardUsd: 0.5, costUsd: 1.7, minProfitUsd: 0, badDebt: false })).toMatchObject({
    action: 'skip',
    reason: 'unprofitable',
  })
  expect(decideLiquidation({ rewardUsd: 0.5, costUsd: 1.7, minProfitUsd: 0, badDebt: true })).toEqual({
    action: 'run',
    reason: 'badDebt',
    profitUsd: 0.5 - 1.7,
  })
  // Exactly the minimum is enough.
  expect(decideLiquidation({ rewardUsd: 3, costUsd: 1, minProfitUsd: 2, badDebt: false }).action).toBe('run')
})
