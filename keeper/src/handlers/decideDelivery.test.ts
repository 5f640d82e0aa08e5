import { keccak256, zeroHash } from 'viem'
import { expect, test } from 'vitest'
import { decideDelivery } from './decideDelivery.js'

const payloadHash = keccak256('0x01')
const view = { nonce: 3n, payloadHash, storedHash: payloadHash, lazyInboundNonce: 2n, inboundNonce: 3n }

test('default: verified with a gapless prefix: execute', () => {
  expect(decideDelivery(view)).toEqual({ action: 'execute' })
})

test('behavior: every row of the delivery table', () => {
  expect(decideDelivery({ ...view, storedHash: zeroHash, lazyInboundNonce: 3n })).toEqual({
    action: 'done',
    reason: 'alreadyExecuted',
  })
  expect(decideDelivery({ ...view, storedHash: zeroHash, lazyInboundNonce: 9n })).toEqual({
    action: 'done',
    reason: 'alreadyExecuted',
  })
  expect(decideDelivery({ ...view, storedHash: keccak256('0x02') })).toEqual({
    action: 'fail',
    reason: 'payloadMismatch',
  })
  expect(decideDelivery({ ...view, storedHash: zeroHash })).toEqual({ action: 'verify' })
  // Verified, but nonce 2 on the path is not (the verified prefix ends at 1).
  expect(decideDelivery({ ...view, lazyInboundNonce: 1n, inboundNonce: 1n })).toEqual({
    action: 'wait',
    reason: 'predecessorUnverified',
  })
})
