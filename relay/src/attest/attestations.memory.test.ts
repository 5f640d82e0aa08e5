import { verifyQuorum, xmarginDigest } from '@xmargin/attestation'
import { afterEach, expect, test } from 'vitest'
import { A, B, ETH_CALL, ETH_PERP, tokenAddress, usdc, wad } from '../_test/memoryMarket.js'
import { readJobs } from '../_test/readJobs.js'
import { DOMAINS, type MemoryRelays, SIGNERS, setupMemoryRelays } from '../_test/setupMemoryRelays.js'
import { waitFor } from '../_test/waitFor.js'

const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const signerSets = { current: { epoch: 1n, signers: SIGNERS.map((s) => s.address), threshold: 2 } }
let ctx: MemoryRelays | undefined

afterEach(async () => {
  await ctx?.cleanup()
  ctx = undefined
})

/** Alice: 10 000 USDC on A, long 10 ETH-PERP on A from 3000, short 5 ETH calls on B. */
function seedAlice(relays: MemoryRelays) {
  relays.apply((p) => {
    p.setHoldings(alice, A, {
      balances: { [tokenAddress(A, 'USDC')]: usdc(10_000) },
      positions: { [ETH_PERP]: { size: wad(10), entryPrice: 3_000 } },
    })
    p.setHoldings(alice, B, {
      balances: { [tokenAddress(B, 'WETH')]: wad(1) },
      positions: { [ETH_CALL]: { size: -wad(5), entryPrice: 0 } },
    })
  })
}

async function startAll(relays: MemoryRelays) {
  await Promise.all(relays.relays.map((relay) => relay.start()))
  await waitFor(() => relays.relays.some((relay) => relay.lease.isLeader()), { what: 'a leader' })
}

test('default: an account that falls below maintenance gets quorum-signed liquidate jobs where the plan closes positions', async () => {
  ctx = await setupMemoryRelays()
  seedAlice(ctx)
  await startAll(ctx)
  expect(ctx.relays[0]!.book.get(alice)?.band).toBe('healthy')

  ctx.apply((p) => p.setPrice('ETH', 2_000))
  const [job] = await waitFor(async () => {
    const jobs = await readJobs(redisUrl, ctx!.prefix, 'liquidate', A)
    return jobs.length > 0 && jobs
  })
  expect(job!.id).toBe(`liq-${A}-${alice}-${job!.data.sequence}`)
  const { health, signatures, closes } = job!.data
  expect(health.equity < health.maintenanceMargin).toBe(true)
  const digest = xmarginDigest(DOMAINS.get(A)!, 'AccountHealth', health)
  expect(await verifyQuorum({ digest, signatures, epoch: 1n, signerSets, now: 0n })).toHaveLength(2)
  // the plan closes part of the perp on A: what it closes is what the attestation allows
  expect(closes).toHaveLength(1)
  expect(closes![0]!.instrumentId).toBe(ETH_PERP)
  expect(closes![0]!.size > 0n && closes![0]!.size <= wad(10)).toBe(true)
  expect(health.marks).toEqual([{ instrumentId: ETH_PERP, mark: wad(2_000), maxClose: closes![0]!.size }])

  // every node serves the round; B, where the plan closes nothing, gets the same health as an attestation.
  // (On a loaded machine the other nodes may refuse a first round they could not check in time: the
  // leader then proposes again with a new sequence, so the round looked at is the one that was queued.)
  await ctx.settle()
  type Round = { status: string; trigger: string; attestations: { chainId: number; kind: string }[] }
  const { round, sequence } = await waitFor(async () => {
    for (const candidate of await readJobs(redisUrl, ctx!.prefix, 'liquidate', A)) {
      const response = await fetch(
        `${ctx!.relays[2]!.url()}/v1/attestations/${alice}/${candidate.data.sequence}`,
      )
      expect(response.status).toBe(200)
      const found = (await response.json()) as Round
      if (found.status === 'queued') return { round: found, sequence: candidate.data.sequence }
    }
    return undefined
  })
  expect(round.trigger).toBe('liquidatable')
  const kinds = round.attestations.map((a) => [a.chainId, a.kind])
  expect(kinds[0]).toEqual([A, 'liquidate'])
  expect(kinds[1]?.[0]).toBe(B)
  const posts = await readJobs(redisUrl, ctx.prefix, kinds[1]![1] as 'postAttestation', B)
  expect(posts.map((post) => post.data.sequence)).toContain(sequence)
})

test('behavior: with one node stopped attestations continue; with two stopped none is issued and /readyz says 503', async () => {
  ctx = await setupMemoryRelays()
  seedAlice(ctx)
  await startAll(ctx)

  // stop the leader: another node takes the lease and a band change is still attested by two signers
  const leader = ctx.relays.find((relay) => relay.lease.isLeader())!
  const others = ctx.relays.filter((relay) => relay !== leader)
  await leader.stop()
  ctx.portfolios.splice(ctx.relays.indexOf(leader), 1)
  await waitFor(() => others.some((relay) => relay.lease.isLeader()), { what: 'a new leader' })
  const ready = await fetch(`${others[0]!.url()}/readyz`)
  expect(ready.status).toBe(206)
  expect(((await ready.json()) as { reasons: string[] }).reasons).toContain('atThreshold:2/2')

  for (const portfolio of ctx.portfolios) portfolio.setPrice('ETH', 2_300)
  const posted = await waitFor(async () => {
    const jobs = await readJobs(redisUrl, ctx!.prefix, 'postAttestation', A)
    return jobs.length > 0 && jobs
  })
  const digest = xmarginDigest(DOMAINS.get(A)!, 'AccountHealth', posted[0]!.data.health)
  expect(
    await verifyQuorum({ digest, signatures: posted[0]!.data.signatures, epoch: 1n, signerSets, now: 0n }),
  ).toHaveLength(2)

  // stop a second node: the last one is below the threshold, not ready, and attests nothing
  const survivor = others.find((relay) => relay.lease.isLeader()) ?? others[0]!
  const victim = others.find((relay) => relay !== survivor)!
  await victim.stop()
  await waitFor(async () => (await fetch(`${survivor.url()}/readyz`)).status === 503, { what: 'readyz 503' })
  const before = (await readJobs(redisUrl, ctx.prefix, 'liquidate', A)).length
  const survivorPortfolio = ctx.portfolios[ctx.relays.filter((r) => r !== leader).indexOf(survivor)]!
  survivorPortfolio.setPrice('ETH', 2_000)
  await waitFor(() => survivor.book.get(alice)?.band === 'liquidatable', { what: 'liquidatable' })
  await survivor.idle()
  expect((await readJobs(redisUrl, ctx.prefix, 'liquidate', A)).length).toBe(before)
})

test('behavior: an account with positions gets a heartbeat attestation without any change', async () => {
  ctx = await setupMemoryRelays({
    settings: { attestation: { heartbeatS: 1, quorumTimeoutMs: 1_500, anchorWaitMs: 500 } },
  })
  seedAlice(ctx)
  await startAll(ctx)
  // no price move: the heartbeat alone attests alice on the chains holding her positions, then again
  const first = await waitFor(async () => {
    const jobs = await readJobs(redisUrl, ctx!.prefix, 'postAttestation', A)
    return jobs.length > 0 && jobs
  })
  const record = await fetch(`${ctx.relays[0]!.url()}/v1/attestations/${alice}/${first[0]!.data.sequence}`)
  expect(((await record.json()) as { trigger: string }).trigger).toBe('heartbeat')
  await waitFor(
    async () => (await readJobs(redisUrl, ctx!.prefix, 'postAttestation', A)).length > first.length,
    {
      what: 'a second heartbeat',
    },
  )
  expect((await readJobs(redisUrl, ctx.prefix, 'postAttestation', B)).length).toBeGreaterThan(0)
})

test('behavior: a liquidatable account whose holdings change (a partial liquidation) is attested again at once', async () => {
  ctx = await setupMemoryRelays()
  seedAlice(ctx)
  await startAll(ctx)
  ctx.apply((p) => p.setPrice('ETH', 2_000))
  const [first] = await waitFor(async () => {
    const jobs = await readJobs(redisUrl, ctx!.prefix, 'liquidate', A)
    return jobs.length > 0 && jobs
  })
  // A keeper closes 1 ETH of the perp at the mark (the $1 000 loss realised, a $100 penalty paid): still
  // below maintenance, no price moved, long before the periodic refresh.
  ctx.apply((p) =>
    p.setHoldings(alice, A, {
      balances: { [tokenAddress(A, 'USDC')]: usdc(8_900) },
      positions: { [ETH_PERP]: { size: wad(9), entryPrice: 3_000 } },
    }),
  )
  const second = await waitFor(async () => {
    const jobs = await readJobs(redisUrl, ctx!.prefix, 'liquidate', A)
    return jobs.find((job) => job.data.sequence > first!.data.sequence)
  })
  expect(ctx.relays[0]!.book.get(alice)?.band).toBe('liquidatable')
  expect(second.data.health.equity < second.data.health.maintenanceMargin).toBe(true)
  expect(second.data.closes!.every((close) => close.size <= wad(9))).toBe(true)
})
