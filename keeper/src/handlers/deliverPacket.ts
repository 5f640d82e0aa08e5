import { endpointV2Abi, simpleMessageLibAbi } from '@xmargin/contracts'
import { PermanentError, RetryableError } from '@xmargin/errors'
import { AlreadyDoneError, type JobContext, type JobData } from '@xmargin/queue'
import { SimulationRevertedError, type TxEngine } from '@xmargin/tx'
import type { Logger } from 'pino'
import { encodeFunctionData, type Hex, parseEventLogs } from 'viem'
import { classifyRevert } from '../classifyRevert.js'
import {
  checkPacket,
  type DecodedPacket,
  decodePacket,
  InvalidPacketError,
  lzReceiveOption,
} from '../ingest/decodePacket.js'
import { engineOf, type KeeperChain } from '../keeperChain.js'
import type { KeeperMetrics } from '../metrics.js'
import { type DeliveryStep, decideDelivery } from './decideDelivery.js'
import { keeperErrorsAbi } from './errorsAbi.js'
import { errorFor } from './jobControl.js'

export type DeliverPacketDeps = {
  /** The chain the packet was sent on (read only: is its block still canonical). */
  source: KeeperChain
  /** The chain it is delivered on (served, with the relayer key's engine). */
  destination: KeeperChain
  settings: { executorOverheadGas: number; confirmations: number; waitTimeoutMs: number }
  metrics: KeeperMetrics
  logger: Logger
}

export type DeliverPacketResult = {
  outcome: 'delivered'
  guid: Hex
  nonce: string
  verifyTxHash: Hex | undefined
  executeTxHash: Hex
}

/** A delivery that must wait for something else (an earlier nonce, source confirmations). */
export class DeliveryNotReadyError extends RetryableError {
  override name = 'DeliveryNotReadyError'
}

/**
 * Delivers one LayerZero packet on the devnet as DVN and executor: checks the packet is ours (eids, our
 * Messengers, GUID) and its source block still canonical, reads the destination endpoint (executed → done),
 * verifies it on the receive library with the whitelisted relayer key, and executes `lzReceive` with the
 * gas and value of its options once every earlier nonce on the path is verified (never out of order).
 *
 * @example createWorker({ kind: 'lzDeliver', chainId: dst, handler: (data, ctx) => deliverPacket(data, ctx, deps) })
 */
export async function deliverPacket(
  data: JobData<'lzDeliver'>,
  context: Pick<JobContext, 'jobId'>,
  deps: DeliverPacketDeps,
): Promise<DeliverPacketResult> {
  const { source, destination, metrics } = deps
  const labels = { src: String(source.chainId), dst: String(destination.chainId) }
  const log = deps.logger.child({
    chainId: destination.chainId,
    srcChainId: source.chainId,
    jobId: context.jobId,
    guid: data.guid,
    nonce: data.nonce.toString(),
  })
  const count = (outcome: string) => metrics.lzPackets.inc({ ...labels, outcome })
  const { lzEndpoint, lzMessageLib } = destination.contracts
  if (!lzEndpoint || !lzMessageLib)
    throw new PermanentError(
      `Chain ${destination.chainId} has no lzEndpoint or lzMessageLib in the deployment`,
    )
  const engine = engineOf(destination, 'lzEngine')

  const packet = decodePacket(data.packet)
  const problem = checkPacket(packet, {
    srcEid: source.eid,
    dstEid: destination.eid,
    sender: source.contracts.messenger,
    receiver: destination.contracts.messenger,
    guid: data.guid,
    nonce: data.nonce,
  })
  if (problem) {
    count('failed')
    throw new InvalidPacketError(`Not a packet we deliver: ${problem}`)
  }
  await confirmSource(source, data)

  let verifyTxHash: Hex | undefined
  for (let round = 0; round < 3; round++) {
    const step = decideDelivery(await readDelivery(destination, packet))
    switch (step.action) {
      case 'done':
        count(step.reason)
        log.info({ reason: step.reason }, 'packet already delivered')
        throw new AlreadyDoneError(step.reason)
      case 'fail':
        count('failed')
        throw new PermanentError(`Another payload is verified at nonce ${packet.nonce}: ${step.reason}`)
      case 'wait':
        count('waiting')
        log.info({ reason: step.reason }, 'packet verified; waiting for an earlier nonce')
        throw new DeliveryNotReadyError(`Packet ${packet.nonce} waits: ${step.reason}`)
      case 'verify': {
        const hash = await send(engine, `${context.jobId}-verify`, step, deps, log, {
          to: lzMessageLib,
          data: encodeFunctionData({
            abi: simpleMessageLibAbi,
            functionName: 'validatePacket',
            args: [data.packet],
          }),
        })
        verifyTxHash = hash
        log.info({ txHash: hash }, 'packet verified (DVN)')
        continue
      }
      case 'execute': {
        const option = lzReceiveOption(data.options)
        const hash = await send(engine, `${context.jobId}-exec`, step, deps, log, {
          to: lzEndpoint,
          data: encodeFunctionData({
            abi: endpointV2Abi,
            functionName: 'lzReceive',
            args: [
              { srcEid: packet.srcEid, sender: packet.sender, nonce: packet.nonce },
              packet.receiverAddress,
              packet.guid,
              packet.message,
              '0x',
            ],
          }),
          value: option.value,
          gas: option.gas + BigInt(deps.settings.executorOverheadGas),
        })
        count('delivered')
        log.info({ txHash: hash, gas: option.gas.toString() }, 'packet executed (lzReceive)')
        return {
          outcome: 'delivered',
          guid: packet.guid,
          nonce: packet.nonce.toString(),
          verifyTxHash,
          executeTxHash: hash,
        }
      }
    }
  }
  throw new RetryableError(`Packet ${packet.nonce} did not settle after verification; trying again`)
}

/** The destination endpoint's view of the packet's path, at the latest block. */
async function readDelivery(destination: KeeperChain, packet: DecodedPacket) {
  const endpoint = { address: destination.contracts.lzEndpoint!, abi: endpointV2Abi } as const
  const path = [packet.receiverAddress, packet.srcEid, packet.sender] as const
  const [storedHash, lazyInboundNonce, inboundNonce] = await destination.client.multicall({
    allowFailure: false,
    contracts: [
      { ...endpoint, functionName: 'inboundPayloadHash', args: [...path, packet.nonce] },
      { ...endpoint, functionName: 'lazyInboundNonce', args: path },
      { ...endpoint, functionName: 'inboundNonce', args: path },
    ],
  })
  return {
    nonce: packet.nonce,
    payloadHash: packet.payloadHash,
    storedHash,
    lazyInboundNonce: BigInt(lazyInboundNonce),
    inboundNonce: BigInt(inboundNonce),
  }
}

/** Sends one step's transaction through the relayer engine and waits for it; decoded reverts are classified. */
async function send(
  engine: TxEngine,
  intentId: string,
  step: DeliveryStep,
  deps: DeliverPacketDeps,
  log: Logger,
  call: { to: `0x${string}`; data: Hex; value?: bigint; gas?: bigint },
): Promise<Hex> {
  try {
    const tx = await engine.submit({ intentId, ...call, abi: keeperErrorsAbi })
    log.debug(
      { txHash: tx.hash, nonce: tx.nonce, reused: tx.reused, step: step.action },
      'delivery transaction sent',
    )
    const receipt = await tx.wait({
      confirmations: deps.settings.confirmations,
      timeoutMs: deps.settings.waitTimeoutMs,
    })
    return receipt.transactionHash
  } catch (error) {
    if (!(error instanceof SimulationRevertedError)) throw error
    const classification = classifyRevert(error.errorName)
    log.info({ errorName: error.errorName, ...classification, step: step.action }, 'delivery step reverts')
    // "Already executed" is only believed after the endpoint confirms it: the next round re-reads it.
    if (classification.action === 'done')
      throw new DeliveryNotReadyError(`re-read after ${error.errorName}`, { cause: error })
    deps.metrics.lzPackets.inc({
      src: String(deps.source.chainId),
      dst: String(deps.destination.chainId),
      outcome: classification.action === 'fail' ? 'failed' : 'retrying',
    })
    throw errorFor(
      classification.action === 'skip' ? { ...classification, action: 'retry' } : classification,
      step.action,
      error,
    )
  }
}

/**
 * The packet's source block is still canonical and buried under `confirmations`; after a reorg, the same
 * transaction must still emit the same packet in its new block. Otherwise the delivery waits.
 */
async function confirmSource(source: KeeperChain, data: JobData<'lzDeliver'>): Promise<void> {
  const { client } = source
  const head = await client.getBlockNumber({ cacheTime: 0 })
  const required = BigInt(Math.max(source.confirmations, 0))
  const block = await client.getBlock({ blockNumber: data.source.blockNumber }).catch(() => undefined)
  if (block?.hash.toLowerCase() === data.source.blockHash.toLowerCase()) {
    if (head - data.source.blockNumber < required)
      throw new DeliveryNotReadyError(
        `Source block ${data.source.blockNumber} has fewer than ${required} confirmations`,
      )
    return
  }
  // Reorged: is the same packet in the transaction's new block?
  const receipt = await client.getTransactionReceipt({ hash: data.source.txHash }).catch(() => undefined)
  const again = receipt
    ? parseEventLogs({ abi: endpointV2Abi, eventName: 'PacketSent', logs: receipt.logs }).some(
        (event) => event.args.encodedPayload.toLowerCase() === data.packet.toLowerCase(),
      )
    : false
  if (!again || !receipt || head - receipt.blockNumber < required)
    throw new DeliveryNotReadyError(
      `Source block ${data.source.blockNumber} of packet ${data.guid} is not canonical (yet)`,
    )
}
