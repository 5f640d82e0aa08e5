import { Options } from '@layerzerolabs/lz-v2-utilities'
import { type Hex, keccak256, toHex } from 'viem'
import { expect, test } from 'vitest'
import { encodePacket, receiver, sender } from '../_test/packets.js'
import { checkPacket, decodePacket, InvalidPacketError, lzReceiveOption } from './decodePacket.js'

test('default: decodes a V1 packet and checks it is ours', () => {
  const encoded = encodePacket()
  const packet = decodePacket(encoded)
  expect(packet).toMatchObject({
    nonce: 7n,
    srcEid: 40101,
    dstEid: 40102,
    senderAddress: sender,
    receiverAddress: receiver,
    message: '0xdeadbeef',
  })
  expect(packet.payloadHash).toBe(keccak256(`0x${packet.guid.slice(2)}deadbeef`))
  const ours = { srcEid: 40101, dstEid: 40102, sender, receiver, guid: packet.guid, nonce: 7n }
  expect(checkPacket(packet, ours)).toBeUndefined()
  expect(checkPacket(packet, { ...ours, srcEid: 40103 })).toMatchInlineSnapshot(
    `"srcEid 40101 is not the source chain's 40103"`,
  )
  expect(checkPacket(packet, { ...ours, sender: receiver })).toMatch(/is not our Messenger/)
  expect(checkPacket(packet, { ...ours, nonce: 8n })).toMatchInlineSnapshot(`"nonce 7 is not the job's 8"`)
})

test('behavior: a corrupted or truncated packet is refused', () => {
  const encoded = encodePacket()
  // Flip a byte of the nonce: the GUID no longer matches the header.
  const corrupted = `${encoded.slice(0, 4)}ff${encoded.slice(6)}` as Hex
  expect(() => decodePacket(corrupted)).toThrow(InvalidPacketError)
  expect(() => decodePacket(encoded.slice(0, 100) as Hex)).toThrow(/shorter than its header/)
})

test('behavior: the executor option gives lzReceive its gas and value', () => {
  const options = Options.newOptions().addExecutorLzReceiveOption(600_000, 5).toHex() as Hex
  expect(lzReceiveOption(options)).toEqual({ gas: 600_000n, value: 5n })
  expect(() => lzReceiveOption(toHex(3, { size: 2 }))).toThrow(InvalidPacketError)
})
