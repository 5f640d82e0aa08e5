import { endpointV2Abi } from '@xmargin/contracts'
import type { JobData } from '@xmargin/queue'
import { type Address, type Hex, type Log, parseEventLogs } from 'viem'
import { decodePacket } from './decodePacket.js'

/** Where a chain sends from: its eid, our Messenger and the endpoint that emits `PacketSent`. */
export type PacketSource = { chainId: number; eid: number; messenger: Address; endpoint: Address }

/**
 * The delivery jobs of one transaction's logs: every `PacketSent` of `source.endpoint` whose packet was
 * sent by our Messenger, to a chain of the deployment (`chainIdOf(dstEid)`). Other packets are ignored
 * (reported through `onIgnored`).
 *
 * @example packetJobs(receipt.logs, source, (eid) => chainIdByEid.get(eid))
 */
export function packetJobs(
  logs: readonly Log[],
  source: PacketSource,
  chainIdOf: (eid: number) => number | undefined,
  onIgnored?: (why: string, guid: Hex | undefined) => void,
): Array<JobData<'lzDeliver'>> {
  const ours = logs.filter((log) => log.address.toLowerCase() === source.endpoint.toLowerCase())
  const jobs: Array<JobData<'lzDeliver'>> = []
  for (const event of parseEventLogs({ abi: endpointV2Abi, eventName: 'PacketSent', logs: ours })) {
    const packet = decodePacket(event.args.encodedPayload)
    if (packet.senderAddress.toLowerCase() !== source.messenger.toLowerCase()) {
      onIgnored?.(`sent by ${packet.senderAddress}, not our Messenger`, packet.guid)
      continue
    }
    if (packet.srcEid !== source.eid) {
      onIgnored?.(`srcEid ${packet.srcEid} is not chain ${source.chainId}'s ${source.eid}`, packet.guid)
      continue
    }
    const dstChainId = chainIdOf(packet.dstEid)
    if (dstChainId === undefined) {
      onIgnored?.(`no chain of the deployment has eid ${packet.dstEid}`, packet.guid)
      continue
    }
    if (
      event.blockNumber === null ||
      event.blockHash === null ||
      event.transactionHash === null ||
      event.logIndex === null
    )
      continue
    jobs.push({
      srcChainId: source.chainId,
      dstChainId,
      guid: packet.guid,
      nonce: packet.nonce,
      packet: event.args.encodedPayload.toLowerCase() as Hex,
      options: event.args.options.toLowerCase() as Hex,
      source: {
        txHash: event.transactionHash,
        logIndex: event.logIndex,
        blockNumber: event.blockNumber,
        blockHash: event.blockHash,
      },
    })
  }
  return jobs
}
