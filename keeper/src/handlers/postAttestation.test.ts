import { expect, test } from 'vitest'
import { decidePost } from './postAttestation.js'

const attestation = { sequence: 4n, asOf: 1_000n, expiry: 1_120n }
const chain = { lastSequence: 3n, timestamp: 1_010n, maxAttestationAge: 120n }

test('default: a newer, fresh attestation is posted', () => {
  expect(decidePost(attestation, chain)).toEqual({ action: 'post' })
})

test('behavior: posted, superseded or expired attestations are done', () => {
  expect(decidePost(attestation, { ...chain, lastSequence: 4n })).toEqual({
    action: 'done',
    reason: 'alreadyPosted',
  })
  expect(decidePost(attestation, { ...chain, lastSequence: 5n })).toEqual({
    action: 'done',
    reason: 'superseded',
  })
  expect(decidePost(attestation, { ...chain, timestamp: 1_120n })).toEqual({
    action: 'done',
    reason: 'expired',
  })
  expect(decidePost({ ...attestation, expiry: 9_999n }, { ...chain, timestamp: 1_200n })).toEqual({
    action: 'done',
    reason: 'expired',
  })
})
