import { calculateGuid, Options, PacketV1Codec } from '@layerzerolabs/lz-v2-utilities'
import { PermanentError } from '@xmargin/errors'
import { type Address, getAddress, type Hex, pad } from 'viem'

/** A LayerZero V1 packet (`PacketSent.encodedPayload`), decoded with `PacketV1Codec`. */
export type DecodedPacket = {
  nonce: bigint
  srcEid: number
  /** The sending OApp, as bytes32. */
  sender: Hex
  senderAddress: Address
  dstEid: number
  /** The receiving OApp, as bytes32. */
  receiver: Hex
  receiverAddress: Address
  guid: Hex
  message: Hex
  /** `keccak256(guid ‖ message)`: what the endpoint stores when the packet is verified. */
  payloadHash: Hex
}

/** A packet that is not ours or not well formed: delivering it cannot be right. */
export class InvalidPacketError extends PermanentError {
  override name = 'InvalidPacketError'
}

const lower = (value: string) => value.toLowerCase() as Hex

/**
 * Decodes a `PacketSent` payload with LayerZero's `PacketV1Codec` and checks its version and GUID (the
 * hash of its header fields), so a corrupted payload never reaches an endpoint.
 *
 * @example decodePacket(log.args.encodedPayload).nonce // 1n
 */
export function decodePacket(encoded: Hex): DecodedPacket {
  // header (81 bytes) + guid (32): anything shorter is not a V1 packet.
  if (!/^0x[0-9a-fA-F]*$/.test(encoded) || (encoded.length - 2) / 2 < 113)
    throw new InvalidPacketError('Not a LayerZero V1 packet (shorter than its header and GUID)')
  const codec = PacketV1Codec.from(encoded)
  if (codec.version() !== 1) throw new InvalidPacketError(`Unsupported packet version ${codec.version()}`)
  const packet: DecodedPacket = {
    nonce: BigInt(codec.nonce()),
    srcEid: codec.srcEid(),
    sender: lower(codec.sender()),
    senderAddress: getAddress(codec.senderAddressB20()),
    dstEid: codec.dstEid(),
    receiver: lower(codec.receiver()),
    receiverAddress: getAddress(codec.receiverAddressB20()),
    guid: lower(codec.guid()),
    message: lower(codec.message()),
    payloadHash: lower(codec.payloadHash()),
  }
  const guid = calculateGuid({
    version: 1,
    nonce: packet.nonce.toString(),
    srcEid: packet.srcEid,
    sender: packet.sender,
    dstEid: packet.dstEid,
    receiver: packet.receiver,
  } as Parameters<typeof calculateGuid>[0])
  if (lower(guid) !== packet.guid)
    throw new InvalidPacketError(`Packet GUID ${packet.guid} does not match its header (${lower(guid)})`)
  return packet
}

/** Where a packet must come from and go to for us to deliver it. */
export type PacketExpectation = {
  srcEid: number
  dstEid: number
  /** Our Messenger on the source chain. */
  sender: Address
  /** Our Messenger on the destination chain. */
  receiver: Address
  guid?: Hex | undefined
  nonce?: bigint | undefined
}

/**
 * The first way `packet` differs from what we deliver (source and destination eids, our Messengers on
 * both sides, the job's GUID and nonce), or `undefined` when it is ours.
 *
 * @example checkPacket(packet, { srcEid: 40101, dstEid: 40102, sender, receiver }) // undefined
 */
export function checkPacket(packet: DecodedPacket, expected: PacketExpectation): string | undefined {
  if (packet.srcEid !== expected.srcEid)
    return `srcEid ${packet.srcEid} is not the source chain's ${expected.srcEid}`
  if (packet.dstEid !== expected.dstEid)
    return `dstEid ${packet.dstEid} is not the destination chain's ${expected.dstEid}`
  if (packet.sender !== lower(pad(expected.sender)))
    return `sender ${packet.senderAddress} is not our Messenger ${expected.sender}`
  if (packet.receiver !== lower(pad(expected.receiver)))
    return `receiver ${packet.receiverAddress} is not our Messenger ${expected.receiver}`
  if (expected.guid !== undefined && packet.guid !== lower(expected.guid))
    return `guid ${packet.guid} is not the job's ${expected.guid}`
  if (expected.nonce !== undefined && packet.nonce !== expected.nonce)
    return `nonce ${packet.nonce} is not the job's ${expected.nonce}`
  return undefined
}

/**
 * The executor's LZ_RECEIVE gas and value from TYPE_3 options (`Options.decodeExecutorLzReceiveOption`).
 *
 * @example lzReceiveOption('0x00030100110100000000000000000000000000000927c0') // { gas: 600000n, value: 0n }
 */
export function lzReceiveOption(options: Hex): { gas: bigint; value: bigint } {
  let decoded: { gas: bigint | number | string; value: bigint | number | string } | undefined
  try {
    decoded = Options.fromOptions(options).decodeExecutorLzReceiveOption()
  } catch (cause) {
    throw new InvalidPacketError('Unreadable LayerZero options', { cause })
  }
  if (!decoded) throw new InvalidPacketError('The options carry no LZ_RECEIVE executor option')
  return { gas: BigInt(decoded.gas), value: BigInt(decoded.value) }
}
