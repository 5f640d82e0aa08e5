import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Address } from 'viem'

/** A relay node another node saw alive. */
export type AliveNode = { nodeId: string; signer: Address; lastSeenMs: number }

export type NodeRegistry = {
  start(): Promise<void>
  /** Removes this node from the registry at once (others stop counting it). */
  stop(): Promise<void>
  /** Nodes whose heartbeat is younger than the liveness TTL (refreshed on every heartbeat). */
  alive(): readonly AliveNode[]
  /** When this node last wrote its heartbeat successfully (unix ms), 0 before the first. */
  lastHeartbeatMs(): number
  /** Reads the registry now. */
  refresh(): Promise<readonly AliveNode[]>
}

/**
 * Liveness of the relay nodes through Redis: each node writes `ZADD nodes <now> <nodeId>` and its signer
 * address every `heartbeatMs`, and reads back who else is alive (heartbeat within `livenessTtlMs`).
 * Readiness counts distinct live signers of the current set against the threshold. A node that stops
 * cleanly removes itself; a killed one drops out after the TTL.
 *
 * @example const registry = createNodeRegistry({ redis, keys, nodeId, signer, heartbeatMs: 1_000, livenessTtlMs: 5_000 })
 */
export function createNodeRegistry(parameters: {
  redis: Redis
  nodesKey: string
  nodeKey: (nodeId: string) => string
  nodeId: string
  signer: Address
  heartbeatMs: number
  livenessTtlMs: number
  logger?: Logger | undefined
}): NodeRegistry {
  const { redis, nodesKey, nodeKey, nodeId, signer, heartbeatMs, livenessTtlMs, logger } = parameters
  let alive: AliveNode[] = []
  let lastHeartbeatMs = 0
  let timer: NodeJS.Timeout | undefined
  let tick: Promise<unknown> | undefined
  let stopped = false

  const refresh = async () => {
    const now = Date.now()
    const entries = await redis.zrangebyscore(nodesKey, now - livenessTtlMs, '+inf', 'WITHSCORES')
    const ids: string[] = []
    const seen = new Map<string, number>()
    for (let i = 0; i < entries.length; i += 2) {
      ids.push(entries[i]!)
      seen.set(entries[i]!, Number(entries[i + 1]))
    }
    const pipeline = redis.pipeline()
    for (const id of ids) pipeline.hget(nodeKey(id), 'signer')
    const signers = ids.length === 0 ? [] : ((await pipeline.exec()) ?? [])
    alive = ids.flatMap((id, i) => {
      const value = signers[i]?.[1]
      return typeof value === 'string'
        ? [{ nodeId: id, signer: value as Address, lastSeenMs: seen.get(id)! }]
        : []
    })
    return alive
  }

  const beat = async () => {
    const now = Date.now()
    try {
      await redis
        .multi()
        .zadd(nodesKey, now, nodeId)
        .hset(nodeKey(nodeId), 'signer', signer, 'heartbeatMs', String(now))
        .pexpire(nodeKey(nodeId), livenessTtlMs * 10)
        // Forget nodes gone for long (keeps the set small).
        .zremrangebyscore(nodesKey, '-inf', now - livenessTtlMs * 100)
        .exec()
      lastHeartbeatMs = now
      await refresh()
    } catch (error) {
      logger?.warn({ err: error }, 'relay heartbeat failed')
    }
  }

  const loop = () => {
    if (stopped) return
    tick = beat().finally(() => {
      if (!stopped) timer = setTimeout(loop, heartbeatMs)
    })
  }

  return {
    async start() {
      await beat()
      timer = setTimeout(loop, heartbeatMs)
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await tick
      await redis
        .multi()
        .zrem(nodesKey, nodeId)
        .del(nodeKey(nodeId))
        .exec()
        .catch(() => {})
    },
    alive: () => alive,
    lastHeartbeatMs: () => lastHeartbeatMs,
    refresh,
  }
}
