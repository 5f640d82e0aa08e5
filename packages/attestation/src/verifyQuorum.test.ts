import { concatHex, type Hex } from 'viem'
import { describe, expect, test } from 'vitest'
import { domain, health, signerSet, signers } from './_test/fixtures.js'
import { xmarginDigest } from './digest.js'
import { xmarginDomain } from './domain.js'
import { packSignatures } from './packSignatures.js'
import { signXmargin } from './sign.js'
import { verifyQuorum } from './verifyQuorum.js'

const digest = xmarginDigest(domain, 'AccountHealth', health)
const sign = (index: number, onDomain = domain) =>
  signXmargin(signers[index]!, onDomain, 'AccountHealth', health)
const verify = (signatures: Hex, overrides: Partial<Parameters<typeof verifyQuorum>[0]> = {}) =>
  verifyQuorum({
    digest,
    signatures,
    epoch: 1n,
    signerSets: { current: signerSet },
    now: 1_000n,
    ...overrides,
  })

test('default: two of three signers, packed in ascending order, verify', async () => {
  const [a, c] = [await sign(0), await sign(2)]
  const packed = packSignatures([
    { signer: signers[2]!.address, signature: c },
    { signer: signers[0]!.address, signature: a },
  ])
  expect(await verify(packed)).toEqual([signers[0]!.address, signers[2]!.address])
})

describe('negative paths, one per way RiskGuard rejects', () => {
  test('behavior: unsorted signatures', async () => {
    await expect(verify(concatHex([await sign(1), await sign(0)]))).rejects.toThrow(
      'Signatures are not in strictly ascending signer order at index 1',
    )
  })

  test('behavior: a duplicate signer', async () => {
    const a = await sign(0)
    await expect(verify(concatHex([a, a]))).rejects.toThrow('at index 1')
  })

  test('behavior: below threshold', async () => {
    await expect(verify(await sign(0))).rejects.toThrow('1 signature, threshold 2')
  })

  test('behavior: a forged signer (a key outside the set)', async () => {
    await expect(
      verify(packSignatures([{ signer: signers[3]!.address, signature: await sign(3) }])),
    ).rejects.toThrow(`Signature from ${signers[3]!.address}, who is not in the signer set`)
  })

  test('behavior: signed for another chain or another RiskGuard recovers a stranger', async () => {
    const otherChain = xmarginDomain({ chainId: 31338, riskGuard: domain.verifyingContract })
    const otherGuard = xmarginDomain({
      chainId: 31337,
      riskGuard: '0x0000000000000000000000000000000000000001',
    })
    for (const wrong of [otherChain, otherGuard]) {
      const packed = packSignatures([
        { signer: signers[0]!.address, signature: await sign(0, wrong) },
        { signer: signers[1]!.address, signature: await sign(1, wrong) },
      ])
      await expect(verify(packed)).rejects.toThrow(/who is not in the signer set|not in strictly ascending/)
    }
  })

  test('behavior: a stale epoch, and the previous epoch only within its grace period', async () => {
    const packed = packSignatures([
      { signer: signers[0]!.address, signature: await sign(0) },
      { signer: signers[1]!.address, signature: await sign(1) },
    ])
    const rotated = {
      current: { ...signerSet, epoch: 2n },
      previous: { ...signerSet, graceDeadline: 1_000n },
    }
    expect(await verify(packed, { signerSets: rotated, now: 1_000n })).toHaveLength(2)
    await expect(verify(packed, { signerSets: rotated, now: 1_001n })).rejects.toThrow(
      'Epoch 1 is not accepted (current 2)',
    )
    await expect(verify(packed, { epoch: 0n })).rejects.toThrow('Epoch 0 is not accepted (current 1)')
  })

  test('behavior: malformed bytes', async () => {
    await expect(verify('0x1234')).rejects.toThrow('not a multiple of 65')
  })
})
