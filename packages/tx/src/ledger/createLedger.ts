import type { Redis } from 'ioredis'
import type { Address } from 'viem'
import { getAddress } from 'viem'
import { type LedgerKeys, ledgerKeys } from './keys.js'
import {
  parseRecord,
  serializeAttempts,
  serializeCall,
  type TxAttempt,
  type TxCall,
  type TxRecord,
} from './record.js'
import { runScript } from './runScript.js'
import {
  ATTACH,
  LEASE_ACQUIRE,
  LEASE_RELEASE,
  LEASE_RENEW,
  MARK_BROADCAST,
  MARK_DROPPED,
  MARK_FINAL,
  MARK_MINED,
  MARK_UNMINED,
  RELEASE,
  RESERVE,
  SYNC_NEXT,
} from './scripts.js'

/** A held lease: the value stored in Redis (`<fence>|<holderId>`) and its fencing token. */
export type Lease = { value: string; fence: number }

export type ReserveResult =
  | { status: 'reserved'; nonce: number; fence: number }
  /** The intent already has a record (maybe of another signer). */
  | { status: 'exists'; signer: Address; nonce: number }
  | { status: 'leaseLost' }
  /** The signer's next nonce was never synced with the chain. */
  | { status: 'uninitialized' }
  /** The forced nonce is in use. */
  | { status: 'taken' }

export type Ledger = {
  keys: LedgerKeys
  acquireLease(signer: Address, holderId: string, ttlMs: number): Promise<Lease | undefined>
  renewLease(signer: Address, lease: Lease, ttlMs: number): Promise<boolean>
  releaseLease(signer: Address, lease: Lease): Promise<boolean>
  /** next = max(next, latest) (fresh: max(latest, pending)); returns it, or undefined without the lease. */
  syncNext(signer: Address, lease: Lease, latest: number, pending: number): Promise<number | undefined>
  reserve(
    signer: Address,
    lease: Lease,
    request: { intentId: string; kind: 'call' | 'fill'; call: TxCall; nonce?: number | undefined },
  ): Promise<ReserveResult>
  /** Records `attempts` (all of them, newest last) if the record still has `expectedCount`. */
  attach(
    signer: Address,
    nonce: number,
    lease: Lease,
    expectedCount: number,
    attempts: readonly TxAttempt[],
  ): Promise<'ok' | 'leaseLost' | 'conflict' | `gone:${string}`>
  markBroadcast(signer: Address, nonce: number): Promise<string>
  markMined(
    signer: Address,
    nonce: number,
    mined: { hash: `0x${string}`; blockNumber: bigint; status: 'success' | 'reverted'; cancelled: boolean },
  ): Promise<string>
  markUnmined(signer: Address, nonce: number): Promise<string>
  markFinal(signer: Address, nonce: number): Promise<string>
  markDropped(signer: Address, nonce: number, lease: Lease, reason: string): Promise<string>
  /**
   * Gives back a nonce reserved under `fence`: unsigned, or (`refusedByNode`) whose only attempt the
   * node refused outright. Safe without the lease.
   */
  release(
    signer: Address,
    nonce: number,
    fence: number,
    reason: string,
    refusedByNode?: boolean,
  ): Promise<'released' | 'refused'>
  /** Fencing token of whoever holds the signer's lease now; undefined when nobody does. */
  leaseFence(signer: Address): Promise<number | undefined>
  get(signer: Address, nonce: number): Promise<TxRecord | undefined>
  /** Records not final yet, by nonce. */
  live(signer: Address): Promise<TxRecord[]>
  /** The record currently carrying `intentId`, if any. */
  lookupIntent(intentId: string): Promise<TxRecord | undefined>
  next(signer: Address): Promise<number | undefined>
  free(signer: Address): Promise<number[]>
}

/**
 * The nonce ledger of one chain in Redis (see `ledgerKeys` for the layout and `TxState` for the
 * states). Every transition is one Lua script; the caller's ioredis client is used as is and not closed.
 */
export function createLedger(parameters: {
  redis: Redis
  prefix: string
  chainId: number
  /** How long final, dropped and released records are kept. */
  recordTtlMs: number
}): Ledger {
  const { redis, prefix, chainId, recordTtlMs } = parameters
  const keys = ledgerKeys(prefix, chainId)
  const s = (signer: Address) => signer.toLowerCase()
  const now = () => String(Date.now())

  const get = async (signer: Address, nonce: number) =>
    parseRecord(getAddress(signer), nonce, await redis.hgetall(keys.record(signer, nonce)))

  return {
    keys,
    async acquireLease(signer, holderId, ttlMs) {
      const result = (await runScript(
        redis,
        LEASE_ACQUIRE,
        [keys.lease(signer), keys.fence(signer)],
        [holderId, ttlMs],
      )) as [number, string] | null
      return result ? { fence: Number(result[0]), value: result[1] } : undefined
    },
    async renewLease(signer, lease, ttlMs) {
      return (await runScript(redis, LEASE_RENEW, [keys.lease(signer)], [lease.value, ttlMs])) === 1
    },
    async releaseLease(signer, lease) {
      return (await runScript(redis, LEASE_RELEASE, [keys.lease(signer)], [lease.value])) === 1
    },
    async syncNext(signer, lease, latest, pending) {
      const result = Number(
        await runScript(
          redis,
          SYNC_NEXT,
          [keys.lease(signer), keys.next(signer), keys.free(signer)],
          [lease.value, latest, pending],
        ),
      )
      return result < 0 ? undefined : result
    },
    async reserve(signer, lease, request) {
      const result = (await runScript(
        redis,
        RESERVE,
        [keys.lease(signer)],
        [
          keys.base,
          s(signer),
          lease.value,
          request.intentId,
          now(),
          serializeCall(request.call),
          request.nonce === undefined ? '' : request.nonce,
          request.kind,
        ],
      )) as [string, ...Array<string | number>]
      switch (result[0]) {
        case 'reserved':
          return { status: 'reserved', nonce: Number(result[1]), fence: Number(result[2]) }
        case 'exists': {
          const [owner, nonce] = String(result[1]).split('|')
          return { status: 'exists', signer: getAddress(owner ?? ''), nonce: Number(nonce) }
        }
        default:
          return { status: result[0] as 'leaseLost' | 'uninitialized' | 'taken' }
      }
    },
    async attach(signer, nonce, lease, expectedCount, attempts) {
      return (await runScript(
        redis,
        ATTACH,
        [keys.lease(signer), keys.record(signer, nonce)],
        [lease.value, expectedCount, serializeAttempts(attempts), now()],
      )) as 'ok' | 'leaseLost' | 'conflict' | `gone:${string}`
    },
    async markBroadcast(signer, nonce) {
      return String(await runScript(redis, MARK_BROADCAST, [keys.record(signer, nonce)], [now()]))
    },
    async markMined(signer, nonce, mined) {
      return String(
        await runScript(
          redis,
          MARK_MINED,
          [keys.record(signer, nonce)],
          [
            keys.base,
            s(signer),
            nonce,
            mined.hash,
            mined.blockNumber.toString(),
            mined.status,
            mined.cancelled ? '1' : '0',
            now(),
          ],
        ),
      )
    },
    async markUnmined(signer, nonce) {
      return String(await runScript(redis, MARK_UNMINED, [keys.record(signer, nonce)], [now()]))
    },
    async markFinal(signer, nonce) {
      return String(
        await runScript(
          redis,
          MARK_FINAL,
          [keys.record(signer, nonce), keys.live(signer)],
          [keys.base, s(signer), nonce, recordTtlMs, now()],
        ),
      )
    },
    async markDropped(signer, nonce, lease, reason) {
      return String(
        await runScript(
          redis,
          MARK_DROPPED,
          [keys.lease(signer), keys.record(signer, nonce), keys.live(signer)],
          [keys.base, s(signer), nonce, lease.value, reason, recordTtlMs, now()],
        ),
      )
    },
    async release(signer, nonce, fence, reason, refusedByNode = false) {
      return (await runScript(
        redis,
        RELEASE,
        [keys.record(signer, nonce), keys.live(signer), keys.next(signer), keys.free(signer)],
        [keys.base, s(signer), nonce, fence, reason, recordTtlMs, now(), refusedByNode ? '1' : '0'],
      )) as 'released' | 'refused'
    },
    async leaseFence(signer) {
      const value = await redis.get(keys.lease(signer))
      return value === null ? undefined : Number(value.split('|')[0])
    },
    get,
    async live(signer) {
      const nonces = (await redis.zrange(keys.live(signer), 0, '-1')).map(Number).sort((a, b) => a - b)
      if (nonces.length === 0) return []
      const pipeline = redis.pipeline()
      for (const nonce of nonces) pipeline.hgetall(keys.record(signer, nonce))
      const replies = (await pipeline.exec()) ?? []
      const records: TxRecord[] = []
      nonces.forEach((nonce, i) => {
        const [error, hash] = replies[i] ?? []
        if (error) throw error
        const record = parseRecord(getAddress(signer), nonce, hash as Record<string, string>)
        if (record) records.push(record)
      })
      return records
    },
    async lookupIntent(intentId) {
      const pointer = await redis.get(keys.intent(intentId))
      if (!pointer) return undefined
      const [signer, nonce] = pointer.split('|')
      return get(getAddress(signer ?? ''), Number(nonce))
    },
    async next(signer) {
      const value = await redis.get(keys.next(signer))
      return value === null ? undefined : Number(value)
    },
    async free(signer) {
      return (await redis.zrange(keys.free(signer), 0, '-1')).map(Number)
    },
  }
}
