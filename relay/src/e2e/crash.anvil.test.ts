import { verifyQuorum, xmarginDigest, xmarginDomain } from '@xmargin/attestation'
import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { ApiRequestError, createXmarginClient, type PermitResponse, type Readiness } from '@xmargin/sdk'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { deposit, liquidate, setPrice, trade } from '../_test/chainActions.js'
import { readJobs } from '../_test/readJobs.js'
import { type ChainRelays, SIGNER_KEYS, setupChainRelays } from '../_test/setupChainRelays.js'
import { freePort, type RelayProcess, spawnRelay } from '../_test/spawnRelay.js'
import { waitFor } from '../_test/waitFor.js'

// Three relay nodes as real processes (`relay --config FILE`), SIGKILLed while they hold reservations
// and while a liquidation round is being signed: after restarts nothing is lost or granted twice.
// Needs `relay` built (dist/bin/relay.js), as `npm test` does.

const alice = ANVIL_ACCOUNTS[2]!.address
const maker = ANVIL_ACCOUNTS[3]!.address
let ctx: ChainRelays
const ports: number[] = []
const processes: (RelayProcess | undefined)[] = []
const files: string[] = []

const url = (i: number) => `http://127.0.0.1:${ports[i]}`
const client = (i: number) => createXmarginClient({ baseUrl: url(i), timeoutMs: 20_000 })
const start = (i: number) => {
  processes[i] = spawnRelay(files[i]!, SIGNER_KEYS[i]!)
  return processes[i]!
}
const readiness = async (i: number): Promise<Readiness | undefined> =>
  (
    await client(i)
      .readiness()
      .catch(() => undefined)
  )?.body

beforeAll(async () => {
  ctx = await setupChainRelays()
  for (let i = 0; i < 3; i++) {
    ports[i] = await freePort()
    files[i] = await ctx.configFile(i, { http: { host: '127.0.0.1', port: ports[i]! } })
    start(i)
  }
  await waitFor(
    async () => (await Promise.all([0, 1, 2].map(readiness))).every((r) => r?.status === 'ready'),
    {
      timeoutMs: 60_000,
      what: 'three ready nodes',
    },
  )
}, 180_000)

afterAll(async () => {
  // SIGTERM: every node stops cleanly and exits 0
  const codes = await Promise.all(
    processes.map(async (p) => {
      if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return 0
      p.child.kill('SIGTERM')
      return p.exited
    }),
  )
  await ctx?.cleanup()
  expect(codes).toEqual([0, 0, 0])
}, 60_000)

test('default: a node SIGKILLed with reservations and signatures in flight: after restart nothing is lost or granted twice', async () => {
  const [a, b] = ctx.devnet.chains as [(typeof ctx.devnet.chains)[0], (typeof ctx.devnet.chains)[0]]
  await deposit(a, 'USDC', alice, 10_000n * 10n ** 6n)
  await deposit(b, 'WETH', alice, 2n * 10n ** 18n)
  await deposit(a, 'USDC', maker, 1_000_000n * 10n ** 6n)
  await waitFor(
    async () =>
      (
        await client(0)
          .health(alice)
          .catch(() => undefined)
      )?.chains[1]?.collateral.length,
  )
  await waitFor(
    async () =>
      (
        await client(0)
          .health(maker)
          .catch(() => undefined)
      )?.chains[0]?.cash,
  )
  await trade(a, client(0), {
    instrumentId: a.xmargin.instruments.ethPerp,
    buyer: alice,
    seller: maker,
    size: '10',
    price: 3_000n * 10n ** 18n,
  })
  const health = await waitFor(async () => {
    const views = await Promise.all([0, 1, 2].map((i) => client(i).health(alice)))
    return views.every((v) => v.chains[0]!.positions.length === 1) && views[0]!
  })
  const free = health.imSurplus

  // --- reservations in flight: eight requests of a quarter of the free margin each, node 1 killed mid-way
  const quarter = Math.floor(free / 4)
  const bodies = Array.from({ length: 8 }, (_, i) => ({
    account: alice,
    chainId: a.chainId,
    action: 'withdraw' as const,
    asset: 'USDC',
    amount: String(quarter),
    requestId: `crash-${i}`,
  }))
  const firstTry = Promise.allSettled(bodies.map((body) => client(1).requestPermit(body)))
  await new Promise((resolve) => setTimeout(resolve, 30))
  processes[1]!.child.kill('SIGKILL')
  const before = await firstTry
  const answeredBefore = new Map<string, string>()
  before.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') answeredBefore.set(bodies[i]!.requestId, outcome.value.permit.nonce)
  })
  // the client retries every request, same requestId, on another node
  const retried: (PermitResponse | ApiRequestError)[] = []
  for (const body of bodies)
    retried.push(
      await client(2)
        .requestPermit(body)
        .catch((error: unknown) => {
          if (error instanceof ApiRequestError) return error
          throw error
        }),
    )
  const granted = retried.filter((r): r is PermitResponse => !(r instanceof ApiRequestError))
  expect(granted.length).toBeLessThanOrEqual(4)
  expect(granted.reduce((sum, p) => sum + p.reservation.costUsd, 0)).toBeLessThanOrEqual(free)
  for (const refusal of retried.filter((r): r is ApiRequestError => r instanceof ApiRequestError))
    expect(refusal.code).toBe('insufficientMargin')
  // a request answered before the kill gets the very same permit again
  for (const [requestId, nonce] of answeredBefore)
    expect(granted.find((p) => p.requestId === requestId)?.permit.nonce).toBe(nonce)
  // no orphan: every reservation in Redis belongs to a granted permit, each requestId to one nonce
  const redis = new Redis(ctx.redisUrl)
  const reservations = await redis.hgetall(`{${ctx.prefix}:permits}:res:${alice.toLowerCase()}`)
  const unused = Object.entries(reservations).filter(
    ([, json]) => (JSON.parse(json) as { usedBlock?: number }).usedBlock === undefined,
  )
  expect(unused.map(([nonce]) => nonce).sort()).toEqual(granted.map((p) => p.permit.nonce).sort())
  redis.disconnect()

  // node 1 comes back (same node id and key): it resumes its cursor and counts as a signer again
  start(1)
  await waitFor(async () => (await readiness(1))?.status === 'ready', {
    timeoutMs: 60_000,
    what: 'node 1 back',
  })

  // --- signatures in flight: ETH falls and the leader is killed at once
  const states = await Promise.all([0, 1, 2].map(readiness))
  const leader = states.findIndex((state) => state?.node.leader)
  expect(leader).toBeGreaterThanOrEqual(0)
  await setPrice(ctx.devnet.chains, 'ETH', 1_900)
  processes[leader]!.child.kill('SIGKILL')
  await processes[leader]!.exited
  const jobs = await waitFor(
    async () => {
      const list = (await readJobs(ctx.redisUrl, ctx.prefix, 'liquidate', a.chainId)).filter(
        (j) => j.data.account === alice,
      )
      return list.length > 0 && list
    },
    { timeoutMs: 60_000, what: 'a liquidation of alice' },
  )
  start(leader)
  await waitFor(
    async () => (await Promise.all([0, 1, 2].map(readiness))).every((r) => r?.status === 'ready'),
    {
      timeoutMs: 60_000,
      what: 'three ready nodes again',
    },
  )
  // one job per round (deterministic ids), every one quorum-signed; the newest is accepted on chain
  const ids = jobs.map((job) => job.id)
  expect(new Set(ids).size).toBe(ids.length)
  expect(new Set(jobs.map((job) => job.data.sequence)).size).toBe(jobs.length)
  const domain = xmarginDomain({ chainId: a.chainId, riskGuard: a.xmargin.contracts.riskGuard })
  const current = {
    epoch: 1n,
    signers: ctx.devnet.signers.map((s) => s.address).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)),
    threshold: 2,
  }
  for (const job of jobs)
    expect(
      await verifyQuorum({
        digest: xmarginDigest(domain, 'AccountHealth', job.data.health),
        signatures: job.data.signatures,
        epoch: 1n,
        signerSets: { current },
        now: 0n,
      }),
    ).toHaveLength(2)
  const newest = jobs.reduce((x, y) => (y.data.sequence > x.data.sequence ? y : x))
  const receipt = await liquidate(
    a,
    newest.data,
    new Map([[a.xmargin.instruments.ethPerp, 10n * 10n ** 18n]]),
  )
  expect(receipt.status).toBe('success')
})
