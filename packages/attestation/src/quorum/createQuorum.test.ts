import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { domain, health, signerSet, signers } from '../_test/fixtures.js'
import { QuorumRefusedError } from '../errors.js'
import { packSignatures } from '../packSignatures.js'
import { verifyQuorum } from '../verifyQuorum.js'
import { createQuorum, type Quorum } from './createQuorum.js'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
let redis: Redis
let prefix: string
const opened: Array<{ close(): Promise<void> } | { stop(): Promise<void> }> = []

beforeEach(() => {
  redis = new Redis(redisUrl)
  prefix = `xmargin-test-${randomUUID()}`
})
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await ('stop' in item ? item.stop() : item.close())
  const keys = await redis.keys(`{${prefix}:quorum}*`)
  if (keys.length) await redis.del(...keys)
  redis.disconnect()
})

/** A relay node: watches requests and signs every one with its key. */
function startNode(index: number, quorum: Quorum, nodeId = `node-${index}`) {
  const watcher = quorum.watch(nodeId, async (request) => {
    await quorum.sign(request, signers[index]!)
  })
  opened.push(watcher)
  return watcher
}

function newQuorum(ttlMs?: number): Quorum {
  const quorum = createQuorum({ redis, prefix, ...(ttlMs ? { ttlMs } : {}) })
  opened.push(quorum)
  return quorum
}

test('default: three nodes, threshold two: a proposal gathers a quorum that verifies', async () => {
  const quorum = newQuorum()
  for (const index of [0, 1, 2]) startNode(index, quorum)
  await new Promise((resolve) => setTimeout(resolve, 100)) // let the watchers reach the stream head

  const request = await quorum.propose({ primaryType: 'AccountHealth', domain, message: health })
  const collected = await quorum.collect(request.digest, { signerSet, timeoutMs: 5_000 })
  expect(collected.length).toBeGreaterThanOrEqual(2)
  const packed = packSignatures(collected, signerSet.threshold)
  expect(
    await verifyQuorum({
      digest: request.digest,
      signatures: packed,
      epoch: 1n,
      signerSets: { current: signerSet },
      now: 0n,
    }),
  ).toHaveLength(2)
})

test('behavior: with one node stopped a quorum is still reached; with two stopped, none is', async () => {
  const quorum = newQuorum()
  const nodes = [0, 1, 2].map((index) => startNode(index, quorum))
  await new Promise((resolve) => setTimeout(resolve, 100))

  await nodes[2]!.stop()
  const first = await quorum.propose({ primaryType: 'AccountHealth', domain, message: health })
  expect(await quorum.collect(first.digest, { signerSet, timeoutMs: 5_000 })).toHaveLength(2)

  await nodes[1]!.stop()
  const second = await quorum.propose({
    primaryType: 'AccountHealth',
    domain,
    message: { ...health, sequence: 8n },
  })
  await expect(quorum.collect(second.digest, { signerSet, timeoutMs: 800 })).rejects.toThrow(
    /No quorum for 0x[0-9a-f]{64} within 800 ms: 1 of 2 signatures/,
  )
})

test('behavior: a node that restarts signs what was proposed while it was down', async () => {
  const quorum = newQuorum()
  startNode(0, quorum)
  const down = startNode(1, quorum, 'node-1')
  await new Promise((resolve) => setTimeout(resolve, 100))
  await down.stop()

  const request = await quorum.propose({
    primaryType: 'AccountHealth',
    domain,
    message: { ...health, sequence: 9n },
  })
  await expect(quorum.collect(request.digest, { signerSet, timeoutMs: 500 })).rejects.toThrow('1 of 2')

  startNode(1, quorum, 'node-1') // same node id: resumes from its last acknowledged request
  expect(await quorum.collect(request.digest, { signerSet, timeoutMs: 5_000 })).toHaveLength(2)
})

test('behavior: a signature filed under the wrong signer, or by a stranger, does not count', async () => {
  const quorum = newQuorum()
  const request = await quorum.propose({ primaryType: 'AccountHealth', domain, message: health })
  await quorum.sign(request, signers[3]!) // not a member
  const forged = await signers[0]!.signTypedData({
    domain,
    types: { Other: [{ name: 'x', type: 'uint256' }] },
    primaryType: 'Other',
    message: { x: 1n },
  })
  await redis.hset(`{${prefix}:quorum}:sigs:${request.digest}`, signers[1]!.address, forged)
  await quorum.sign(request, signers[2]!)
  await expect(quorum.collect(request.digest, { signerSet, timeoutMs: 500 })).rejects.toThrow('1 of 2')
  expect(await quorum.signatures(request.digest)).toHaveLength(3)
})

test('behavior: once so many members refuse that the threshold is out of reach, collect fails at once', async () => {
  const quorum = newQuorum()
  const request = await quorum.propose({
    primaryType: 'AccountHealth',
    domain,
    message: { ...health, sequence: 11n },
  })
  await quorum.sign(request, signers[0]!)
  // One refusal of three with threshold two: the last member may still sign, so collect keeps waiting.
  await quorum.refuse(request, signers[1]!.address, 'equityMismatch')
  const pending = quorum.collect(request.digest, { signerSet, timeoutMs: 30_000 })
  const early = await Promise.race([
    pending.then(
      () => 'resolved',
      () => 'rejected',
    ),
    new Promise((resolve) => setTimeout(() => resolve('waiting'), 300)),
  ])
  expect(early).toBe('waiting')
  // A second refusal: one signed, two refused, threshold two: out of reach.
  const started = Date.now()
  await quorum.refuse(request, signers[2]!.address, 'notLiquidatable')
  const error = await pending.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(QuorumRefusedError)
  expect((error as QuorumRefusedError).reasons).toEqual({
    [signers[1]!.address.toLowerCase()]: 'equityMismatch',
    [signers[2]!.address.toLowerCase()]: 'notLiquidatable',
  })
  expect(Date.now() - started).toBeLessThan(25_000)
})

test('behavior: a refusal by a stranger, or by a member who also signed, does not stop a quorum', async () => {
  const quorum = newQuorum()
  const request = await quorum.propose({
    primaryType: 'AccountHealth',
    domain,
    message: { ...health, sequence: 12n },
  })
  await quorum.refuse(request, '0x000000000000000000000000000000000000dEaD', 'spam')
  await quorum.refuse(request, signers[1]!.address, 'equityMismatch')
  await quorum.sign(request, signers[0]!)
  await quorum.sign(request, signers[1]!)
  const collected = await quorum.collect(request.digest, { signerSet, timeoutMs: 5_000 })
  expect(collected.map((entry) => entry.signer.toLowerCase()).sort()).toEqual(
    [signers[0]!.address, signers[1]!.address].map((a) => a.toLowerCase()).sort(),
  )
})
