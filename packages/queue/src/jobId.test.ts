import { expect, test } from 'vitest'
import { delivery, health, liquidation, signatures } from './_test/fixtures.js'
import { jobId } from './jobId.js'

test('default: ids are built from what the job acts on', () => {
  expect(jobId('liquidate', liquidation())).toBe('liq-31337-0x90F79bf6EB2c4f870365E785982E1f101E93b906-7')
  expect(
    jobId('postAttestation', { chainId: 31338, account: health.account, sequence: 9n, health, signatures }),
  ).toBe('post-31338-0x90F79bf6EB2c4f870365E785982E1f101E93b906-9')
  expect(jobId('lzDeliver', { ...delivery, guid: `0x${'AB'.repeat(32)}` })).toBe(`lz-0x${'ab'.repeat(32)}`)
})

test('behavior: the same target gives the same id, another sequence another id; none contains ":"', () => {
  expect(jobId('liquidate', liquidation(7n))).toBe(
    jobId('liquidate', { ...liquidation(7n), reason: 'manual' }),
  )
  expect(jobId('liquidate', liquidation(8n))).not.toBe(jobId('liquidate', liquidation(7n)))
  for (const id of [jobId('liquidate', liquidation()), jobId('lzDeliver', delivery)])
    expect(id).not.toContain(':')
})
