import { endpointV2Abi } from '@xmargin/contracts'
import { type Address, encodeAbiParameters, encodeEventTopics, type Hex, type Log, pad } from 'viem'
import { expect, test } from 'vitest'
import { encodePacket } from '../_test/packets.js'
import { packetJobs } from './packetJobs.js'

const endpoint: Address = '0x3333333333333333333333333333333333333333'
const messenger: Address = '0x1111111111111111111111111111111111111111'
const options: Hex = '0x00030100110100000000000000000000000000000927c0'

function packetSent(payload: Hex, address: Address = endpoint, logIndex = 0): Log {
  return {
    address,
    topics: encodeEventTopics({ abi: endpointV2Abi, eventName: 'PacketSent' }) as [Hex],
    data: encodeAbiParameters(
      [{ type: 'bytes' }, { type: 'bytes' }, { type: 'address' }],
      [payload, options, '0x4444444444444444444444444444444444444444'],
    ),
    blockNumber: 12n,
    blockHash: pad('0x0c'),
    logIndex,
    transactionHash: pad('0xaa'),
    transactionIndex: 0,
    removed: false,
  }
}

const source = { chainId: 31337, eid: 40101, messenger, endpoint }
const chainIdOf = (eid: number) => ({ 40101: 31337, 40102: 31338 })[eid]

test('default: one delivery job per PacketSent of our Messenger, to the chain of its dstEid', () => {
  const payload = encodePacket({ nonce: 3n })
  const [job, ...rest] = packetJobs([packetSent(payload)], source, chainIdOf)
  expect(rest).toEqual([])
  expect(job).toMatchObject({
    srcChainId: 31337,
    dstChainId: 31338,
    nonce: 3n,
    packet: payload,
    options,
    source: { txHash: pad('0xaa'), logIndex: 0, blockNumber: 12n, blockHash: pad('0x0c') },
  })
})

test('behavior: other contracts, other senders and unknown destinations are ignored', () => {
  const ignored: string[] = []
  const jobs = packetJobs(
    [
      packetSent(encodePacket(), '0x5555555555555555555555555555555555555555'), // not the endpoint
      packetSent(encodePacket({ dstEid: 40199 }), endpoint, 1), // no such chain
      packetSent(encodePacket({ srcEid: 40102 }), endpoint, 2), // not this chain's eid
    ],
    source,
    chainIdOf,
    (why) => ignored.push(why),
  )
  expect(jobs).toEqual([])
  expect(ignored).toMatchInlineSnapshot(`
    [
      "no chain of the deployment has eid 40199",
      "srcEid 40102 is not chain 31337's 40101",
    ]
  `)
  expect(packetJobs([packetSent(encodePacket())], { ...source, messenger: endpoint }, chainIdOf)).toEqual([])
})
