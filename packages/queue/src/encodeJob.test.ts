import { expect, test } from 'vitest'
import { delivery, liquidation } from './_test/fixtures.js'
import { decodeJob } from './decodeJob.js'
import { encodeJob } from './encodeJob.js'

test('default: bigints travel as decimal strings and decode back', () => {
  const wire = encodeJob('liquidate', liquidation())
  expect(wire).toMatchInlineSnapshot(`
    {
      "account": "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
      "chainId": 31337,
      "health": {
        "account": "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        "anchorBlock": "42",
        "anchorsDigest": "0x1111111111111111111111111111111111111111111111111111111111111111",
        "asOf": "1767225600",
        "epoch": "1",
        "equity": "-1250000000000000000000",
        "expiry": "1767225660",
        "initialMargin": "4000000000000000000000",
        "maintenanceMargin": "3000000000000000000000",
        "marks": [
          {
            "instrumentId": 1,
            "mark": "3500000000000000000000",
            "maxClose": "2000000000000000000",
          },
        ],
        "paramsHash": "0x2222222222222222222222222222222222222222222222222222222222222222",
        "sequence": "7",
      },
      "reason": "belowMaintenance",
      "sequence": "7",
      "signatures": "0xabababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
    }
  `)
  // What Redis stores is plain JSON; decoding it gives the handler's values back.
  expect(decodeJob('liquidate', JSON.parse(JSON.stringify(wire)))).toEqual(liquidation())
  expect(decodeJob('lzDeliver', JSON.parse(JSON.stringify(encodeJob('lzDeliver', delivery))))).toEqual(
    delivery,
  )
})

test('behavior: addresses are checksummed on the way out and in', () => {
  const lower = { ...liquidation(), account: liquidation().account.toLowerCase() as `0x${string}` }
  expect(encodeJob('liquidate', lower).account).toBe('0x90F79bf6EB2c4f870365E785982E1f101E93b906')
  const wire = {
    ...encodeJob('liquidate', liquidation()),
    account: '0x90f79bf6eb2c4f870365e785982e1f101e93b906',
  }
  expect(decodeJob('liquidate', wire).account).toBe('0x90F79bf6EB2c4f870365E785982E1f101E93b906')
})

test('behavior: a bad payload is refused on add, naming every field at fault', () => {
  const bad = { ...liquidation(), sequence: 2n ** 64n, signatures: '0x1234' as const }
  expect(() => encodeJob('liquidate', bad)).toThrowErrorMatchingInlineSnapshot(`
    [InvalidJobError: Invalid liquidate job payload
    ✖ account and sequence must be those of the attestation
      → at health
    ✖ does not fit uint64
      → at sequence
    ✖ expected one or more 65-byte signatures as hex
      → at signatures]
  `)
})

test('behavior: a bad stored payload is refused on process', () => {
  const wire = encodeJob('liquidate', liquidation()) as Record<string, unknown>
  const tampered = {
    ...wire,
    account: '0x90F79bf6EB2c4f870365E785982E1f101E93B906', // wrong checksum
    sequence: '07',
    extra: true,
  }
  expect(() => decodeJob('liquidate', tampered)).toThrowErrorMatchingInlineSnapshot(`
    [InvalidJobError: Invalid liquidate job payload
    ✖ Unrecognized key: "extra"
    ✖ expected a checksummed address
      → at account
    ✖ expected a uint64 as a decimal string
      → at sequence]
  `)
  expect(() => decodeJob('lzDeliver', { ...encodeJob('lzDeliver', delivery), nonce: 5 })).toThrow(
    /expected a uint64 as a decimal string/,
  )
  expect(() => decodeJob('postAttestation', null)).toThrow(/Invalid postAttestation job payload/)
})
