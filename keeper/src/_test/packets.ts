import { PacketV1Codec } from '@layerzerolabs/lz-v2-utilities'
import { type Address, type Hex, keccak256, pad } from 'viem'

export const sender: Address = '0x1111111111111111111111111111111111111111'
export const receiver: Address = '0x2222222222222222222222222222222222222222'

/** A packet as LayerZero's own codec encodes it, with the GUID the endpoint computes. */
export function encodePacket(
  parameters: { nonce?: bigint; srcEid?: number; dstEid?: number; message?: Hex } = {},
): Hex {
  const { nonce = 7n, srcEid = 40101, dstEid = 40102, message = '0xdeadbeef' } = parameters
  const header = {
    version: 1,
    nonce: nonce.toString(),
    srcEid,
    sender: pad(sender),
    dstEid,
    receiver: pad(receiver),
  }
  const guid = keccak256(
    `0x${nonce.toString(16).padStart(16, '0')}${srcEid.toString(16).padStart(8, '0')}${pad(sender).slice(2)}${dstEid
      .toString(16)
      .padStart(8, '0')}${pad(receiver).slice(2)}`,
  )
  return PacketV1Codec.encode({ ...header, guid, message } as Parameters<
    typeof PacketV1Codec.encode
  >[0]) as Hex
}
