import { hashTypedData } from 'viem'
import { expect, test } from 'vitest'
import { domain, health } from './_test/fixtures.js'
import { xmarginDigest } from './digest.js'
import type { AccountHealth, MarginPermit, SignerSetUpdate } from './types.js'
import { xmarginTypes } from './types.js'

const reference = (primaryType: 'AccountHealth' | 'MarginPermit' | 'SignerSetUpdate', message: object) =>
  hashTypedData({ domain, types: xmarginTypes, primaryType, message } as never)

/** A deterministic generator (xorshift) of values across each type's whole range. */
function generator(seed: number) {
  let state = seed
  const next = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return state >>> 0
  }
  const bits = (n: number) => {
    let value = 0n
    for (let i = 0; i < n; i += 32) value = (value << 32n) | BigInt(next())
    return value & ((1n << BigInt(n)) - 1n)
  }
  const hex = (bytes: number) =>
    `0x${bits(bytes * 8)
      .toString(16)
      .padStart(bytes * 2, '0')}` as `0x${string}`
  return { next, bits, hex }
}

test('default: equals viem’s hashTypedData for every message type', () => {
  expect(xmarginDigest(domain, 'AccountHealth', health)).toBe(reference('AccountHealth', health))
})

test('behavior: equal to the reference on 300 random messages, extremes included', () => {
  const g = generator(0x9e3779b9)
  for (let i = 0; i < 100; i++) {
    const message: AccountHealth = {
      account: g.hex(20),
      sequence: g.bits(64),
      epoch: g.bits(64),
      equity: g.bits(256) - (1n << 255n),
      initialMargin: g.bits(256),
      maintenanceMargin: i === 0 ? (1n << 256n) - 1n : g.bits(256),
      asOf: g.bits(64),
      expiry: g.bits(64),
      anchorBlock: g.bits(64),
      anchorsDigest: g.hex(32),
      paramsHash: g.hex(32),
      marks: Array.from({ length: g.next() % 4 }, () => ({
        instrumentId: Number(g.bits(32)),
        mark: g.bits(256),
        maxClose: g.bits(256),
      })),
    }
    expect(xmarginDigest(domain, 'AccountHealth', message)).toBe(reference('AccountHealth', message))
    const permit: MarginPermit = {
      account: g.hex(20),
      chainId: g.bits(64),
      action: (g.next() % 2) as 0 | 1,
      target: g.hex(32),
      limit: g.bits(256),
      nonce: g.bits(64),
      epoch: g.bits(64),
      expiry: g.bits(64),
    }
    expect(xmarginDigest(domain, 'MarginPermit', permit)).toBe(reference('MarginPermit', permit))
    const update: SignerSetUpdate = {
      epoch: g.bits(64),
      signers: Array.from({ length: 1 + (g.next() % 4) }, () => g.hex(20)),
      threshold: 1 + (g.next() % 4),
      graceSeconds: g.bits(64),
      expiry: g.bits(64),
    }
    expect(xmarginDigest(domain, 'SignerSetUpdate', update)).toBe(reference('SignerSetUpdate', update))
  }
})
