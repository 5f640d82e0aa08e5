import { createCursorStore, createEventCursor, type EventBatch, type EventCursor } from '@xmargin/chain'
import { RetryableError } from '@xmargin/errors'
import type { JobQueue } from '@xmargin/queue'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Hex } from 'viem'
import type { KeeperChain } from '../keeperChain.js'
import type { KeeperMetrics } from '../metrics.js'
import { createLeaderLease, type LeaderLease } from './createLeaderLease.js'
import { packetJobs } from './packetJobs.js'

/** Messenger events whose transaction also carries a `PacketSent` (a request, or the reply sent on execution). */
const SENDING_STEPS = new Set(['SeizeRequestSent', 'SeizeExecuted'])

export type PacketWatcher = {
  start(): Promise<void>
  stop(): Promise<void>
  isLeader(): boolean
  /** The last error of the cursor loop, cleared by the next range that went through. */
  lastError(): unknown
}

export type CreatePacketWatcherParameters = {
  source: KeeperChain
  /** Every chain of the deployment by LayerZero eid (where packets go). */
  chainIdOf: (eid: number) => number | undefined
  /** The `lzDeliver` queue of a destination chain. */
  queueFor: (dstChainId: number) => JobQueue<'lzDeliver'>
  redis: Redis
  /** Redis key prefix of the deployment (`settings.redis.prefix`). */
  prefix: string
  holderId: string
  leaseTtlMs: number
  pollIntervalMs: number
  metrics: KeeperMetrics
  logger: Logger
}

/**
 * Turns our Messengers' LayerZero sends on one source chain into `lzDeliver` jobs. One keeper process at a
 * time watches a chain (a Redis leader lease); it runs `@xmargin/chain`'s event cursor over the Messenger
 * (reorg-checked ranges, position persisted in Redis after each range, so a new leader resumes where the
 * last one stopped and nothing is lost), reads the `PacketSent` of every transaction that sent a seize
 * request or a reply, and adds one job per packet with id `lz-<guid>` (adding it twice does nothing).
 *
 * @example const watcher = createPacketWatcher({ source, chainIdOf, queueFor, redis, prefix, holderId, … }); await watcher.start()
 */
export function createPacketWatcher(parameters: CreatePacketWatcherParameters): PacketWatcher {
  const { source, redis, prefix, metrics } = parameters
  const { lzEndpoint, messenger } = source.contracts
  const log = parameters.logger.child({ chainId: source.chainId, component: 'lz-watcher' })
  const store = createCursorStore({ redis, keyPrefix: `${prefix}:keeper-lz` })
  let cursor: EventCursor | undefined
  let lastError: unknown

  const onBatch = async (batch: EventBatch) => {
    const transactions = new Map<Hex, Hex>()
    for (const event of batch.events)
      if (event.kind === 'liquidationStep' && SENDING_STEPS.has(event.step))
        transactions.set(event.transactionHash, event.blockHash)
    for (const [hash, blockHash] of transactions) {
      const receipt = await source.client.getTransactionReceipt({ hash })
      // The range was checked against its block hashes; a receipt from another block means a reorg now.
      if (receipt.blockHash.toLowerCase() !== blockHash.toLowerCase())
        throw new RetryableError(`Transaction ${hash} moved to another block while being read`)
      const jobs = packetJobs(
        receipt.logs,
        { chainId: source.chainId, eid: source.eid, messenger, endpoint: lzEndpoint! },
        parameters.chainIdOf,
        (why, guid) => log.warn({ txHash: hash, guid, why }, 'PacketSent ignored'),
      )
      for (const job of jobs) {
        const { id } = await parameters.queueFor(job.dstChainId).add(job)
        metrics.lzObserved.inc({ src: String(job.srcChainId), dst: String(job.dstChainId) })
        log.info(
          { jobId: id, txHash: hash, nonce: job.nonce.toString(), dstChainId: job.dstChainId },
          'packet queued',
        )
      }
    }
    lastError = undefined
    metrics.ingestLagBlocks.set({ chain: String(source.chainId) }, Number(batch.toBlock.number))
  }

  const lease: LeaderLease = createLeaderLease({
    redis,
    key: `{${prefix}:keeper-lz}:watcher:${source.chainId}`,
    holderId: parameters.holderId,
    ttlMs: parameters.leaseTtlMs,
    onAcquired: () => {
      log.info('watching PacketSent (leader)')
      cursor = createEventCursor({
        chainId: source.chainId,
        client: source.client,
        sources: [{ name: 'messenger', address: messenger }],
        store,
        confirmations: source.confirmations,
        ...(source.deployBlock !== undefined ? { fromBlock: BigInt(source.deployBlock) } : {}),
        pollIntervalMs: parameters.pollIntervalMs,
        onBatch,
        onError: (error) => {
          lastError = error
          log.warn({ err: error }, 'PacketSent watcher error (retrying)')
        },
      })
      cursor.start()
    },
    onLost: async () => {
      log.info('no longer watching PacketSent')
      const stopping = cursor
      cursor = undefined
      await stopping?.stop()
    },
    onError: (error) => log.warn({ err: error }, 'watcher lease error'),
  })

  return {
    start: () => (lzEndpoint ? lease.start() : Promise.resolve()),
    stop: () => lease.stop(),
    isLeader: () => lease.isLeader(),
    lastError: () => lastError,
  }
}
