import { PermanentError } from '@xmargin/errors'
import { Registry } from 'prom-client'
import { type Client, type Hex, zeroHash } from 'viem'
import { QueryTooLargeError, ReorgTooDeepError, RpcUnavailableError } from '../errors.js'
import { decodeLogs, eventSelectors, type LogSource, type RpcLog } from '../events/decodeLogs.js'
import type { ChainEvent, ReorgEvent } from '../events/types.js'
import { backoffDelay } from '../transport/backoffDelay.js'
import type { BlockHeader, BlockRef } from '../types.js'
import { type BlockRing, DEFAULT_RING_SIZE, emptyRing, pushBlocks, truncateRing } from './blockRing.js'
import { bloomMayContain } from './bloomMayContain.js'
import { createCursorMetrics } from './createCursorMetrics.js'
import type { CursorState, CursorStore } from './createCursorStore.js'
import { findCommonAncestor } from './findCommonAncestor.js'
import { DEFAULT_RANGE_BOUNDS, nextRangeSize, type RangeBounds } from './nextRangeSize.js'

/** Retries of a range whose header bloom promises logs that `eth_getLogs` did not return. */
const MAX_BLOOM_RETRIES = 5
/** Retries while a block's receipts show events eth_getLogs did not return yet (~45 s with backoff). */
const MAX_UNINDEXED_RETRIES = 50

/** Default wait between polls once the cursor has caught up (ms). */
export const DEFAULT_POLL_INTERVAL_MS = 1_000

/**
 * What the cursor hands its consumer: the events of blocks `fromBlock ..= toBlock.number` in chain order, or
 * a single `reorg` event (then `toBlock` is the common ancestor the cursor rewound to). The cursor moves to
 * `toBlock` and persists it only after `onBatch` resolved.
 */
export type EventBatch = {
  chainId: number
  fromBlock: bigint
  toBlock: BlockRef
  events: ChainEvent[]
}

export type CreateEventCursorParameters = {
  chainId: number
  /** A client over the chain's RPC policy transport. */
  client: Client
  /** Contracts to ingest; a function is asked again before each range (aggregators change with FeedSet). */
  sources: readonly LogSource[] | (() => readonly LogSource[])
  store: CursorStore
  /** Process only blocks at or below `head − confirmations`. Default 0. */
  confirmations?: number | undefined
  /**
   * First block to ingest when no cursor is persisted (or when `resume` is false): a back-fill from there.
   * Default: start at the current `head − confirmations` (ingest only what comes next).
   */
  fromBlock?: bigint | undefined
  /** Resume from the persisted cursor when there is one. Default true. */
  resume?: boolean | undefined
  /** Blocks remembered for reorg detection. Default 128. */
  ringSize?: number | undefined
  /** `eth_getLogs` range bounds (blocks). Defaults 1 000 initial, 1 min, 10 000 max. */
  range?: Partial<RangeBounds> | undefined
  /** Wait between polls once caught up (ms). Default 1 000. */
  pollIntervalMs?: number | undefined
  /** Receives each range's events in order; a rejection leaves the cursor where it was (retry). */
  onBatch: (batch: EventBatch) => Promise<void> | void
  /** Errors of the background loop (each is retried after a backoff unless permanent). */
  onError?: ((error: unknown) => void) | undefined
  registry?: Registry | undefined
}

/** How a `sync` ended. */
export type SyncResult = {
  /** `caughtUp`: at `head − confirmations`; `stopped`: `stop()` was called. */
  status: 'caughtUp' | 'stopped'
  /** Ranges handed over (reorg batches included). */
  batches: number
  position: BlockRef
}

export type EventCursor = {
  readonly chainId: number
  /** Loads the persisted position (or takes the start block) and returns it; idempotent. */
  initialise(): Promise<BlockRef>
  /** Processes ranges until caught up (or stopped). Runs one at a time with the background loop. */
  sync(): Promise<SyncResult>
  /** Starts the background loop: sync, then wait `pollIntervalMs` or for `wake()`. */
  start(): void
  /** Poll now (a subscription or a keeper saw a new block). */
  wake(): void
  /**
   * Stops: a range already handed to `onBatch` finishes and is persisted; a range still being fetched is
   * dropped, so nothing is delivered twice or lost. Resolves once the loop has exited.
   */
  stop(): Promise<void>
  /** The last fully processed block, once initialised. */
  position(): BlockRef | undefined
}

type StepOutcome = 'progress' | 'reorg' | 'caughtUp' | 'retry' | 'stopped'

/** Ranges shorter than this (blocks) have every block's bloom checked against the logs returned. */
const BLOOM_CHECK_MAX_RANGE = 32

/**
 * A per-chain event cursor that never misses: our own `eth_getLogs` loop in adaptive block ranges up to
 * `head − confirmations`, a parent-hash check before every range, a ring buffer of recent block hashes to
 * find the common ancestor after a reorg (then a `reorg` event and re-ingestion), and the position
 * persisted after each range so a restart resumes where it stopped.
 *
 * @example
 * const cursor = createEventCursor({ chainId, client, sources, store, onBatch: (batch) => portfolio.apply(batch) })
 * cursor.start()
 * // … on shutdown
 * await cursor.stop()
 */
export function createEventCursor(parameters: CreateEventCursorParameters): EventCursor {
  const { chainId, client, store, onBatch } = parameters
  const confirmations = BigInt(parameters.confirmations ?? 0)
  const bounds: RangeBounds = { ...DEFAULT_RANGE_BOUNDS, ...parameters.range }
  const pollIntervalMs = parameters.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS
  const metrics = createCursorMetrics(parameters.registry ?? new Registry())
  const label = { chain_id: String(chainId) }
  const sourcesNow = () =>
    typeof parameters.sources === 'function' ? parameters.sources() : parameters.sources

  let state: CursorState | undefined
  let rangeSize = bounds.initial
  let bloomRetries = 0
  let stopping = false
  let loop: Promise<void> | undefined
  let wakeUp: (() => void) | undefined
  let exclusive: Promise<unknown> = Promise.resolve()

  const header = async (number: bigint): Promise<(BlockHeader & { logsBloom: Hex }) | undefined> => {
    const block = (await client.request({
      method: 'eth_getBlockByNumber',
      params: [`0x${number.toString(16)}`, false],
    })) as unknown as { number: Hex; hash: Hex; parentHash: Hex; timestamp: Hex; logsBloom: Hex } | null
    if (!block) return undefined
    return {
      number: BigInt(block.number),
      hash: block.hash,
      parentHash: block.parentHash,
      timestamp: BigInt(block.timestamp),
      logsBloom: block.logsBloom,
    }
  }
  /** Whether the block's receipts hold one of our events; undefined when the node cannot tell (no method). */
  const loggedInReceipts = async (number: bigint, sources: readonly LogSource[]) => {
    try {
      const receipts = (await client.request({
        method: 'eth_getBlockReceipts',
        params: [`0x${number.toString(16)}`],
      } as never)) as Array<{ logs: Array<{ address: string; topics: Hex[] }> }> | null
      // The node knows the block but not its receipts yet: the logs are on their way.
      if (!receipts) return true
      const addresses = new Set(sources.map((source) => source.address.toLowerCase()))
      const selectors = new Set(eventSelectors(sources).map((topic) => topic.toLowerCase()))
      return receipts.some((receipt) =>
        receipt.logs.some(
          (log) =>
            addresses.has(log.address.toLowerCase()) && selectors.has(log.topics[0]?.toLowerCase() ?? ''),
        ),
      )
    } catch {
      return undefined
    }
  }
  const headNumber = async () => BigInt((await client.request({ method: 'eth_blockNumber' })) as Hex)

  const initialise = async (): Promise<CursorState> => {
    if (state) return state
    const persisted = parameters.resume === false ? undefined : await store.load(chainId)
    if (persisted) {
      state = persisted
      return persisted
    }
    let start = parameters.fromBlock
    if (start === undefined) start = (await headNumber()) - confirmations + 1n
    if (start < 0n) start = 0n
    // The cursor sits on the block before the first one to ingest. Block 0's parent is the zero hash.
    let cursor: BlockRef = { number: -1n, hash: zeroHash }
    if (start > 0n) {
      const before = await header(start - 1n)
      if (!before) throw new RpcUnavailableError(`chain ${chainId} has no block ${start - 1n} yet`)
      cursor = { number: before.number, hash: before.hash }
    }
    const ring = pushBlocks(
      emptyRing(parameters.ringSize ?? DEFAULT_RING_SIZE),
      cursor.number >= 0n ? [cursor] : [],
    )
    state = { cursor, ring }
    await store.save(chainId, state)
    return state
  }

  const commit = async (next: CursorState) => {
    await store.save(chainId, next)
    state = next
    metrics.block.set(label, Number(next.cursor.number))
  }

  const handleReorg = async (current: CursorState): Promise<StepOutcome> => {
    const ancestor = await findCommonAncestor(
      current.ring.entries,
      async (number) => (await header(number))?.hash,
    )
    if (!ancestor)
      throw new ReorgTooDeepError(`chain ${chainId} reorged below every block the cursor remembers`, {
        details: `cursor at ${current.cursor.number}, oldest remembered block ${current.ring.entries[0]?.number ?? 'none'}; raise ringSize or confirmations, or rebuild from a snapshot`,
      })
    // The cursor itself is still canonical: the node answered from two forks in one step; just retry.
    if (ancestor.number === current.cursor.number && ancestor.hash === current.cursor.hash) return 'retry'
    const depth = Number(current.cursor.number - ancestor.number)
    const reorg: ReorgEvent = {
      kind: 'reorg',
      chainId,
      fromBlock: ancestor.number + 1n,
      depth,
      ancestor,
      orphaned: current.cursor,
    }
    await onBatch({ chainId, fromBlock: ancestor.number + 1n, toBlock: ancestor, events: [reorg] })
    metrics.reorgs.inc(label)
    metrics.reorgDepth.inc(label, Math.max(0, depth))
    metrics.events.inc({ ...label, kind: 'reorg' })
    await commit({ cursor: ancestor, ring: truncateRing(current.ring, ancestor.number) })
    return 'reorg'
  }

  const step = async (): Promise<StepOutcome> => {
    const current = await initialise()
    const { cursor } = current
    const target = (await headNumber()) - confirmations
    metrics.lag.set(label, Math.max(0, Number(target - cursor.number)))
    if (target <= cursor.number) {
      // Idle: make sure the block we stand on is still canonical (a reorg may keep the height).
      if (cursor.number < 0n) return 'caughtUp'
      const now = await header(cursor.number)
      if (now && now.hash === cursor.hash) return 'caughtUp'
      return handleReorg(current)
    }
    const from = cursor.number + 1n
    const to = target < cursor.number + BigInt(rangeSize) ? target : cursor.number + BigInt(rangeSize)
    // Headers first, then logs: a reorg after this point changes `last`'s hash, which the next step's
    // parent-hash check (or the idle check) sees.
    const first = await header(from)
    const last = to === from ? first : await header(to)
    if (!first || !last) return 'retry'
    if (first.parentHash !== cursor.hash) return handleReorg(current)

    const sources = sourcesNow()
    let logs: RpcLog[] = []
    if (sources.length > 0) {
      try {
        logs = (await client.request({
          method: 'eth_getLogs',
          params: [
            {
              address: sources.map((source) => source.address),
              topics: [eventSelectors(sources)],
              fromBlock: `0x${from.toString(16)}`,
              toBlock: `0x${to.toString(16)}`,
            },
          ],
        } as never)) as RpcLog[]
      } catch (error) {
        // Too many logs or a range the node will not scan: halve and try again (a timeout on a wide range
        // surfaces as RpcUnavailableError once every endpoint failed).
        if (error instanceof QueryTooLargeError || error instanceof RpcUnavailableError) {
          if (rangeSize <= bounds.min) throw error
          rangeSize = nextRangeSize(rangeSize, 'tooLarge', bounds)
          metrics.range.set(label, rangeSize)
          return 'retry'
        }
        throw error
      }
    }
    // Every log must belong to the blocks we verified; a mismatch means the chain moved under us.
    const logBlocks = new Map<bigint, Hex>()
    for (const log of logs) {
      const number = BigInt(log.blockNumber)
      const known =
        number === first.number ? first.hash : number === last.number ? last.hash : logBlocks.get(number)
      if (known !== undefined && known !== log.blockHash) return 'retry'
      logBlocks.set(number, log.blockHash)
    }
    // A node may serve a block before its logs are indexed (anvil does, for the newest block). The headers we
    // hold say, through their bloom, whether our contracts logged there; if they did and no log came back, try
    // again a few times (a bloom false positive must not stall the cursor forever).
    // Near the head (a short range) every block's bloom is checked: under load anvil was seen to answer
    // without the logs of a block in the middle of a range too. A long back-fill range is old enough.
    const checked = [first, last]
    if (to - from > 1n && to - from < BigInt(BLOOM_CHECK_MAX_RANGE)) {
      const middle = await Promise.all(
        Array.from({ length: Number(to - from) - 1 }, (_, i) => header(from + 1n + BigInt(i))),
      )
      if (middle.some((block) => block === undefined)) return 'retry'
      checked.push(...(middle as NonNullable<(typeof middle)[number]>[]))
    }
    const suspects = checked.filter(
      (block) =>
        !logBlocks.has(block.number) &&
        sources.some((source) => bloomMayContain(block.logsBloom, source.address)),
    )
    if (suspects.length > 0) {
      // The block's receipts settle it: our events there mean the node answered eth_getLogs before
      // indexing them (wait for it, however long); none means a bloom false positive (go on). Without
      // receipts (a node lacking eth_getBlockReceipts) a few retries, then go on.
      const verdicts = await Promise.all(suspects.map((block) => loggedInReceipts(block.number, sources)))
      const limit = verdicts.includes(true) ? MAX_UNINDEXED_RETRIES : MAX_BLOOM_RETRIES
      if (!verdicts.every((verdict) => verdict === false) && bloomRetries < limit) {
        bloomRetries++
        metrics.errors.inc({ ...label, kind: 'logsNotIndexed' })
        return 'retry'
      }
    }
    bloomRetries = 0
    if (stopping) return 'stopped'

    const events = decodeLogs(chainId, sources, logs)
    const toBlock: BlockRef = { number: last.number, hash: last.hash }
    const ring: BlockRing = pushBlocks(current.ring, [
      { number: first.number, hash: first.hash },
      ...[...logBlocks.entries()].map(([number, hash]) => ({ number, hash })),
      toBlock,
    ])
    await onBatch({ chainId, fromBlock: from, toBlock, events })
    for (const event of events) metrics.events.inc({ ...label, kind: event.kind })
    await commit({ cursor: toBlock, ring })
    rangeSize = nextRangeSize(rangeSize, 'ok', bounds)
    metrics.range.set(label, rangeSize)
    metrics.lag.set(label, Math.max(0, Number(target - toBlock.number)))
    return 'progress'
  }

  const syncUnlocked = async (): Promise<SyncResult> => {
    let batches = 0
    let retries = 0
    for (;;) {
      if (stopping) return { status: 'stopped', batches, position: (await initialise()).cursor }
      const outcome = await step()
      if (outcome === 'progress' || outcome === 'reorg') {
        batches++
        retries = 0
      } else if (outcome === 'retry') {
        await sleep(backoffDelay(Math.min(retries++, 5), { baseMs: 50, maxMs: 1_000 }))
      } else return { status: outcome, batches, position: (await initialise()).cursor }
    }
  }

  const sync = (): Promise<SyncResult> => {
    const run = exclusive.then(syncUnlocked, syncUnlocked)
    exclusive = run.catch(() => {})
    return run
  }

  return {
    chainId,
    initialise: async () => (await initialise()).cursor,
    sync,
    start() {
      if (loop) return
      stopping = false
      loop = (async () => {
        let failures = 0
        while (!stopping) {
          try {
            await sync()
            failures = 0
          } catch (error) {
            metrics.errors.inc({ ...label, kind: error instanceof Error ? error.name : 'unknown' })
            parameters.onError?.(error)
            if (error instanceof PermanentError && !(error instanceof QueryTooLargeError)) {
              stopping = true
              break
            }
            await sleep(backoffDelay(Math.min(failures++, 6), { baseMs: 200, maxMs: 10_000 }))
          }
          if (stopping) break
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, pollIntervalMs)
            wakeUp = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          wakeUp = undefined
        }
      })()
    },
    wake() {
      wakeUp?.()
    },
    async stop() {
      stopping = true
      wakeUp?.()
      await loop
      await exclusive
      loop = undefined
    },
    position: () => state?.cursor,
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
