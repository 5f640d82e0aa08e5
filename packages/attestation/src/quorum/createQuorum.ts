import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { type Address, type Hex, type LocalAccount, recoverAddress } from 'viem'
import { z } from 'zod'
import { xmarginDigest } from '../digest.js'
import { QuorumRefusedError, QuorumTimeoutError } from '../errors.js'
import type { SignerSignature } from '../packSignatures.js'
import { domainWire, messageWire, toWire } from '../schemas.js'
import { signXmargin } from '../sign.js'
import type { SignerSet, XmarginDomain, XmarginMessage, XmarginPrimaryType } from '../types.js'

/** A message a relay node asks the other nodes to sign. */
export type SigningRequest<primaryType extends XmarginPrimaryType = XmarginPrimaryType> = {
  /** The EIP-712 digest: the request's identity. */
  digest: Hex
  primaryType: primaryType
  domain: XmarginDomain
  message: XmarginMessage<primaryType>
  /** What a signer needs to check the message before signing (e.g. the anchors it was computed from). */
  context: unknown
  /** Node that proposed it. */
  proposer: string
  /** Unix milliseconds after which nobody should sign it any more. */
  expiresAtMs: number
}

export type Quorum = {
  /** Publishes a request to every node's `watch` loop; returns it with its digest. */
  propose<primaryType extends XmarginPrimaryType>(parameters: {
    primaryType: primaryType
    domain: XmarginDomain
    message: XmarginMessage<primaryType>
    context?: unknown
    ttlMs?: number
    /** `xmarginDigest` of the message when the caller already computed it (signers hash it themselves). */
    digest?: Hex
  }): Promise<SigningRequest<primaryType>>
  /** Signs a request with this node's key and stores the signature; returns how many signatures it has. */
  sign(request: SigningRequest, signer: LocalAccount): Promise<number>
  /**
   * Records that `signer` will not sign a request, and why, so the proposer stops waiting as soon as the
   * threshold is out of reach instead of at its timeout.
   */
  refuse(request: SigningRequest, signer: Address, reason: string): Promise<void>
  /**
   * Waits until at least `signerSet.threshold` valid signatures (members of the set, recovering from the
   * digest) are stored, and returns them; `QuorumTimeoutError` after `timeoutMs`, `QuorumRefusedError` as
   * soon as so many members refused that the threshold cannot be reached.
   */
  collect(digest: Hex, parameters: { signerSet: SignerSet; timeoutMs: number }): Promise<SignerSignature[]>
  /** Signatures stored so far for a digest (unchecked). */
  signatures(digest: Hex): Promise<SignerSignature[]>
  /**
   * Calls `handler` for every request proposed from now on, and — after a restart — for every request
   * since this node's last acknowledged one (`nodeId` keeps the position). Expired requests are skipped.
   */
  watch(nodeId: string, handler: (request: SigningRequest) => Promise<void>): { stop(): Promise<void> }
  close(): Promise<void>
}

export type CreateQuorumParameters = {
  /** A connection for commands; `createQuorum` duplicates it for blocking reads and subscriptions. */
  redis: Redis
  /** Key prefix for this deployment; keys are hash-tagged `{<prefix>:quorum}:…`. */
  prefix: string
  /** How long signatures and requests are kept. Default 120 000 ms. */
  ttlMs?: number
  /** Requests kept in the stream (approximate). Default 10 000. */
  maxRequests?: number
}

const storedRequest = z.object({
  digest: z.string(),
  primaryType: z.enum(['AccountHealth', 'MarginPermit', 'SignerSetUpdate']),
  domain: domainWire,
  message: z.unknown(),
  context: z.unknown(),
  proposer: z.string(),
  expiresAtMs: z.number(),
})

/**
 * The m-of-n signing protocol between relay nodes, over Redis. Any node proposes (a stream every node
 * reads), each node checks and signs on its own (a hash per digest, with a TTL), and whoever needs the
 * bundle collects it. Signatures live in Redis, not in a node's memory, so a node that dies after
 * proposing loses nothing: another node (or the same one after restart) can still collect.
 */
export function createQuorum(parameters: CreateQuorumParameters): Quorum {
  const { redis, prefix, ttlMs = 120_000, maxRequests = 10_000 } = parameters
  const tag = `{${prefix}:quorum}`
  const streamKey = `${tag}:requests`
  const channel = `${tag}:signed`
  const sigsKey = (digest: Hex) => `${tag}:sigs:${digest.toLowerCase()}`
  const refusedKey = (digest: Hex) => `${tag}:refused:${digest.toLowerCase()}`
  const cursorKey = (nodeId: string) => `${tag}:cursor:${nodeId}`
  const extra: Redis[] = []
  const duplicate = () => {
    const connection = redis.duplicate()
    // Errors surface on the commands that use the connection; without a listener ioredis would also
    // print every reconnection attempt as an unhandled error event.
    connection.on('error', () => {})
    extra.push(connection)
    return connection
  }

  // Digests this instance computed for the messages it proposed: signing its own proposal hashes once.
  const proposedDigests = new WeakMap<object, Hex>()
  // Signatures this instance produced itself need no recovery when collected (recovery costs ~2 ms).
  const produced = new Map<string, Hex>()
  const remember = (digest: Hex, signer: Address, signature: Hex) => {
    if (produced.size >= 10_000) produced.delete(produced.keys().next().value!)
    produced.set(`${digest.toLowerCase()}:${signer.toLowerCase()}`, signature)
  }

  // One subscriber connection for every `collect` in flight: pub/sub wakes the waiters of a digest.
  const waiters = new Map<string, Set<() => void>>()
  let subscriber: Promise<Redis> | undefined
  const subscribe = (): Promise<Redis> => {
    subscriber ??= (async () => {
      const connection = duplicate()
      connection.on('message', (_channel: string, digest: string) => {
        for (const wake of waiters.get(digest.toLowerCase()) ?? []) wake()
      })
      await connection.subscribe(channel)
      return connection
    })()
    return subscriber
  }

  async function signatures(digest: Hex): Promise<SignerSignature[]> {
    const stored = await redis.hgetall(sigsKey(digest))
    return Object.entries(stored).map(([signer, signature]) => ({
      signer: signer as Address,
      signature: signature as Hex,
    }))
  }

  return {
    async propose({ primaryType, domain, message, context, ttlMs: requestTtlMs = ttlMs, digest: known }) {
      const digest = known ?? xmarginDigest(domain, primaryType, message)
      proposedDigests.set(message as object, digest)
      const request: SigningRequest<typeof primaryType> = {
        digest,
        primaryType,
        domain,
        message,
        context: context ?? null,
        proposer: process.pid.toString(),
        expiresAtMs: Date.now() + requestTtlMs,
      }
      await redis.xadd(
        streamKey,
        'MAXLEN',
        '~',
        String(maxRequests),
        '*',
        'request',
        JSON.stringify(toWire(request)),
      )
      return request
    },

    async sign(request, signer) {
      // The signer hashes the message itself: a request whose digest does not match its message is refused.
      const digest =
        proposedDigests.get(request.message as object) ??
        xmarginDigest(request.domain, request.primaryType, request.message as never)
      if (digest.toLowerCase() !== request.digest.toLowerCase())
        throw new Error(
          `quorum.sign: request digest ${request.digest} does not match its message (${digest})`,
        )
      const signature = signer.sign
        ? await signer.sign({ hash: digest })
        : await signXmargin(signer, request.domain, request.primaryType, request.message as never)
      remember(request.digest, signer.address, signature)
      const key = sigsKey(request.digest)
      const [[, count]] = (await redis
        .multi()
        .hset(key, signer.address, signature)
        .pexpire(key, ttlMs)
        .hlen(key)
        .publish(channel, request.digest)
        .exec()
        .then((results) => [results?.[2] ?? [null, 0]])) as [[unknown, number]]
      return count
    },

    async refuse(request, signer, reason) {
      const key = refusedKey(request.digest)
      await redis
        .multi()
        .hset(key, signer.toLowerCase(), reason)
        .pexpire(key, ttlMs)
        .publish(channel, request.digest)
        .exec()
    },

    async collect(digest, { signerSet, timeoutMs }) {
      const members = new Set(signerSet.signers.map((signer) => signer.toLowerCase()))
      const valid = new Map<string, SignerSignature>()
      const checked = new Set<string>()
      const check = async () => {
        for (const entry of await signatures(digest)) {
          const key = `${entry.signer.toLowerCase()}:${entry.signature}`
          if (checked.has(key)) continue
          checked.add(key)
          const signer = entry.signer.toLowerCase()
          if (!members.has(signer)) continue
          if (produced.get(`${digest.toLowerCase()}:${signer}`) === entry.signature) {
            valid.set(signer, entry)
            continue
          }
          const recovered = await recoverAddress({ hash: digest, signature: entry.signature }).catch(
            () => undefined,
          )
          // Only a signature that recovers to the signer it is filed under, and who is a member, counts.
          if (recovered && recovered.toLowerCase() === signer)
            valid.set(signer, { signer: recovered, signature: entry.signature })
        }
        if (valid.size >= signerSet.threshold) return true
        // Members who refused and did not sign: once the rest cannot reach the threshold, stop waiting.
        const refused = Object.entries(await redis.hgetall(refusedKey(digest))).filter(
          ([signer]) => members.has(signer) && !valid.has(signer),
        )
        if (members.size - refused.length < signerSet.threshold)
          throw new QuorumRefusedError(digest, Object.fromEntries(refused))
        return false
      }
      // Signatures this instance made for members may already reach the threshold (a 1-of-1 set).
      const local = signerSet.signers.flatMap((signer) => {
        const signature = produced.get(`${digest.toLowerCase()}:${signer.toLowerCase()}`)
        return signature ? [{ signer, signature }] : []
      })
      if (local.length >= signerSet.threshold) return local
      if (await check()) return [...valid.values()]

      const key = digest.toLowerCase()
      return await new Promise<SignerSignature[]>((resolve, reject) => {
        let settled = false
        let running = false
        let again = false
        const finish = (error?: Error) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          clearInterval(poll)
          const set = waiters.get(key)
          set?.delete(recheck)
          if (set?.size === 0) waiters.delete(key)
          if (error) reject(error)
          else resolve([...valid.values()])
        }
        // One check at a time; a wake-up during a check runs one more after it.
        function recheck() {
          if (settled) return
          if (running) {
            again = true
            return
          }
          running = true
          check().then(
            (done) => {
              running = false
              if (done) finish()
              else if (again) {
                again = false
                recheck()
              }
            },
            (error: Error) => finish(error),
          )
        }
        const timer = setTimeout(
          () =>
            finish(
              new QuorumTimeoutError(
                `No quorum for ${digest} within ${timeoutMs} ms: ${valid.size} of ${signerSet.threshold} signatures`,
              ),
            ),
          timeoutMs,
        )
        // Pub/sub wakes us at once; the slow poll covers a message lost while (re)subscribing.
        const poll = setInterval(recheck, 250)
        let set = waiters.get(key)
        if (!set) {
          set = new Set()
          waiters.set(key, set)
        }
        set.add(recheck)
        subscribe().then(recheck, (error: Error) => finish(error))
      })
    },

    signatures,

    watch(nodeId, handler) {
      const reader = duplicate()
      let running = true
      const loop = (async () => {
        let cursor = await redis.get(cursorKey(nodeId))
        if (cursor === null) {
          // First start of this node: begin at the head, and remember it so a restart resumes from here.
          cursor = await lastId()
          await redis.set(cursorKey(nodeId), cursor, 'PX', Math.max(ttlMs, 60_000))
        }
        while (running) {
          const batch = (await reader
            .xread('COUNT', 100, 'BLOCK', 500, 'STREAMS', streamKey, cursor)
            .catch((error) => {
              if (running) throw error
              return null
            })) as Array<[string, Array<[string, string[]]>]> | null
          for (const [id, fields] of batch?.[0]?.[1] ?? []) {
            const raw = fields[fields.indexOf('request') + 1]
            const request = raw ? decodeRequest(raw) : undefined
            if (request && request.expiresAtMs > Date.now()) await handler(request)
            cursor = id
            // Acknowledge after handling: a crash mid-handler replays the request (signing is idempotent).
            await redis.set(cursorKey(nodeId), cursor, 'PX', Math.max(ttlMs, 60_000))
          }
        }
      })()
      return {
        async stop() {
          running = false
          reader.disconnect()
          await loop.catch(() => {})
        },
      }
    },

    async close() {
      subscriber = undefined
      for (const connection of extra.splice(0)) connection.disconnect()
    },
  }

  async function lastId(): Promise<string> {
    const last = (await redis.xrevrange(streamKey, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>
    return last[0]?.[0] ?? '0-0'
  }
}

/** Parses a stored request back into typed values; undefined when it is malformed. */
function decodeRequest(raw: string): SigningRequest | undefined {
  const parsed = storedRequest.safeParse(JSON.parse(raw))
  if (!parsed.success) return undefined
  const message = messageWire[parsed.data.primaryType].safeParse(parsed.data.message)
  if (!message.success) return undefined
  return { ...parsed.data, digest: parsed.data.digest as Hex, message: message.data } as SigningRequest
}

/** A random node id for processes that do not name themselves. */
export function randomNodeId(): string {
  return `node-${randomUUID()}`
}
