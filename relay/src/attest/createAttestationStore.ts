import type { AttestationRecord, AttestationRef } from '@xmargin/sdk'
import { attestationRecordSchema } from '@xmargin/sdk'
import type { ChainableCommander, Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Address } from 'viem'
import type { RelayKeys } from '../keys.js'

const ROUND_TTL_MS = 7 * 24 * 3_600_000

export type AttestationStore = {
  /** Stores a round (before signing, and again once queued or failed). */
  saveRound(record: AttestationRecord): Promise<void>
  /** Marks a queued round as the latest per chain and tells every node (pub/sub). */
  publishQueued(record: AttestationRecord): Promise<void>
  /**
   * Adds the commands of `saveRound` (with the digest index when `index`) and, for a queued round, of
   * `publishQueued` to a transaction the caller executes; call `queued(record)` after it ran.
   */
  roundCommands(
    multi: ChainableCommander,
    record: AttestationRecord,
    options: { index: boolean; publish: boolean },
  ): void
  /** Records in memory that a round published through `roundCommands` is queued. */
  queued(record: AttestationRecord): void
  round(account: Address, sequence: bigint | string): Promise<AttestationRecord | undefined>
  byDigest(digest: string): Promise<AttestationRecord | undefined>
  /** The latest queued attestation per chain, from memory (loaded from Redis on first use). */
  latest(account: Address): readonly AttestationRef[] | undefined
  /** Loads `latest` of an account from Redis into memory. */
  loadLatest(account: Address): Promise<readonly AttestationRef[]>
  /** Follows other nodes' `publishQueued`; `onChange` runs for every account whose latest changed. */
  start(onChange: (account: Address) => void): Promise<void>
  stop(): Promise<void>
}

/**
 * Attestation rounds in Redis (`round:<account>:<sequence>`, `digest:<digest>`, `latest:<account>`) and an
 * in-memory copy of every account's latest attestation per chain, kept fresh by pub/sub so the health
 * endpoint never waits on Redis.
 *
 * @example const store = createAttestationStore({ redis, keys }); await store.start(onChange)
 */
export function createAttestationStore(parameters: {
  redis: Redis
  keys: RelayKeys
  logger?: Logger | undefined
}): AttestationStore {
  const { redis, keys, logger } = parameters
  const latest = new Map<string, AttestationRef[]>()
  let subscriber: Redis | undefined

  const refsOf = (record: AttestationRecord): AttestationRef[] =>
    record.attestations.map((attestation) => ({
      chainId: attestation.chainId,
      sequence: record.sequence,
      digest: attestation.digest,
      kind: attestation.kind,
      trigger: record.trigger,
      asOf: Number(attestation.health.asOf),
      expiry: Number(attestation.health.expiry),
      jobId: attestation.jobId,
    }))

  const merge = (account: string, refs: readonly AttestationRef[]) => {
    const current = new Map((latest.get(account) ?? []).map((ref) => [ref.chainId, ref]))
    for (const ref of refs) {
      const existing = current.get(ref.chainId)
      if (!existing || BigInt(existing.sequence) <= BigInt(ref.sequence)) current.set(ref.chainId, ref)
    }
    latest.set(
      account,
      [...current.values()].sort((a, b) => a.chainId - b.chainId),
    )
  }

  /** The latest attestation per chain, and the event telling every node. */
  const publishCommands = (multi: ChainableCommander, record: AttestationRecord) => {
    const refs = refsOf(record)
    for (const ref of refs) multi.hset(keys.latest(record.account), String(ref.chainId), JSON.stringify(ref))
    multi.pexpire(keys.latest(record.account), ROUND_TTL_MS)
    multi.publish(keys.events, JSON.stringify({ account: record.account, refs }))
  }

  const parse = (text: string | null): AttestationRecord | undefined => {
    if (text === null) return undefined
    const parsed = attestationRecordSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  }

  return {
    async saveRound(record) {
      const multi = redis.multi()
      this.roundCommands(multi, record, { index: true, publish: false })
      await multi.exec()
    },
    async publishQueued(record) {
      const multi = redis.multi()
      publishCommands(multi, record)
      await multi.exec()
      this.queued(record)
    },
    roundCommands(multi, record, options) {
      multi.set(keys.round(record.account, record.sequence), JSON.stringify(record), 'PX', ROUND_TTL_MS)
      if (options.index)
        for (const attestation of record.attestations)
          multi.set(
            keys.digest(attestation.digest),
            `${record.account}:${record.sequence}`,
            'PX',
            ROUND_TTL_MS,
          )
      if (options.publish) publishCommands(multi, record)
    },
    queued(record) {
      merge(record.account.toLowerCase(), refsOf(record))
    },
    async round(account, sequence) {
      return parse(await redis.get(keys.round(account, sequence)))
    },
    async byDigest(digest) {
      const pointer = await redis.get(keys.digest(digest))
      if (!pointer) return undefined
      const [account, sequence] = pointer.split(':')
      return parse(await redis.get(keys.round(account!, sequence!)))
    },
    latest: (account) => latest.get(account.toLowerCase()),
    async loadLatest(account) {
      const stored = await redis.hgetall(keys.latest(account))
      const refs = Object.values(stored).map((text) => JSON.parse(text) as AttestationRef)
      merge(account.toLowerCase(), refs)
      return latest.get(account.toLowerCase()) ?? []
    },
    async start(onChange) {
      subscriber = redis.duplicate()
      subscriber.on('error', (error: Error) =>
        logger?.warn({ err: error }, 'attestation events connection error'),
      )
      subscriber.on('message', (_channel: string, message: string) => {
        try {
          const { account, refs } = JSON.parse(message) as { account: Address; refs: AttestationRef[] }
          merge(account.toLowerCase(), refs)
          onChange(account)
        } catch (error) {
          logger?.warn({ err: error }, 'ignoring a malformed attestation event')
        }
      })
      await subscriber.subscribe(keys.events)
    },
    async stop() {
      subscriber?.disconnect()
      subscriber = undefined
    },
  }
}
