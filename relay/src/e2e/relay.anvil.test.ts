import { liquidatorAbi, riskGuardAbi } from '@xmargin/contracts'
import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { createXmarginClient } from '@xmargin/sdk'
import { parseEventLogs } from 'viem'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { deposit, liquidate, postHealth, setPrice, trade } from '../_test/chainActions.js'
import { readJobs } from '../_test/readJobs.js'
import { type ChainRelays, setupChainRelays } from '../_test/setupChainRelays.js'
import { waitFor } from '../_test/waitFor.js'

// Three anvil chains with the real contracts, a real Redis, three relay nodes (threshold two) in this
// process: the acceptance of issue 6 for attestations.

const alice = ANVIL_ACCOUNTS[2]!.address
const maker = ANVIL_ACCOUNTS[3]!.address
let ctx: ChainRelays

beforeAll(async () => {
  ctx = await setupChainRelays()
  await Promise.all([0, 1, 2].map((i) => ctx.start(i)))
}, 180_000)
afterAll(() => ctx?.cleanup())

test('default: an account below maintenance gets a quorum-signed attestation that RiskGuard and the Liquidator accept; node losses', async () => {
  const [a, b] = ctx.devnet.chains as [(typeof ctx.devnet.chains)[0], (typeof ctx.devnet.chains)[0]]
  const relays = ctx.relays.map((relay) => relay!)
  const client = createXmarginClient({ baseUrl: relays[0]!.url() })
  await waitFor(async () => (await client.readiness()).status === 200, { what: 'readyz 200' })

  // alice: 10 000 USDC on A, 2 WETH on B; buys 10 ETH-PERP at 3000 on A from the maker, both with relay permits
  await deposit(a, 'USDC', alice, 10_000n * 10n ** 6n)
  await deposit(b, 'WETH', alice, 2n * 10n ** 18n)
  await deposit(a, 'USDC', maker, 1_000_000n * 10n ** 6n)
  await waitFor(() =>
    relays.every(
      (relay) => relay.book.get(alice)?.portfolio.chains[1]?.balances.size && relay.book.get(maker),
    ),
  )
  const perp = a.xmargin.instruments.ethPerp
  await trade(a, client, {
    instrumentId: perp,
    buyer: alice,
    seller: maker,
    size: '10',
    price: 3_000n * 10n ** 18n,
  })
  const before = await waitFor(async () => {
    const health = await client.health(alice)
    return health.chains[0]!.positions.length === 1 && health
  })
  expect(before.band).toBe('healthy')
  expect(before.chains[0]!.positions[0]).toMatchObject({ instrumentId: perp, kind: 'perp', size: 10 })

  // ETH falls to 1900 on every chain: alice is below maintenance
  await setPrice(ctx.devnet.chains, 'ETH', 1_900)
  const [job] = await waitFor(async () => {
    const jobs = await readJobs(ctx.redisUrl, ctx.prefix, 'liquidate', a.chainId)
    return jobs.length > 0 && jobs
  })
  expect(job!.data.health.equity < job!.data.health.maintenanceMargin).toBe(true)
  expect(job!.data.closes).toEqual([{ instrumentId: perp, size: job!.data.health.marks[0]!.maxClose }])

  // the keeper's transaction: RiskGuard verifies the quorum, the Liquidator closes what the plan allows
  const receipt = await liquidate(a, job!.data, new Map([[perp, 10n * 10n ** 18n]]))
  expect(receipt.status).toBe('success')
  const [liquidated] = parseEventLogs({ abi: liquidatorAbi, logs: receipt.logs, eventName: 'Liquidated' })
  expect(liquidated!.args).toMatchObject({ account: alice, sequence: job!.data.sequence })
  const stored = await a.publicClient.readContract({
    address: a.xmargin.contracts.riskGuard,
    abi: riskGuardAbi,
    functionName: 'latestHealth',
    args: [alice],
  })
  expect(stored.sequence).toBe(job!.data.sequence)

  // one node stops: another leads (if it was the leader), two signers still reach the quorum
  const leader = relays.find((relay) => relay.lease.isLeader())!
  const others = relays.filter((relay) => relay !== leader)
  await leader.stop()
  await waitFor(() => others.some((relay) => relay.lease.isLeader()), { what: 'a new leader' })
  const survivorClient = createXmarginClient({ baseUrl: others[0]!.url() })
  await waitFor(async () => (await survivorClient.readiness()).status === 206, { what: 'readyz 206' })
  const jobsBefore = (await readJobs(ctx.redisUrl, ctx.prefix, 'liquidate', a.chainId)).length
  const postedBefore = (await readJobs(ctx.redisUrl, ctx.prefix, 'postAttestation', a.chainId)).length
  // the liquidation left alice above maintenance; a further fall attests her again (band change or liquidation)
  await setPrice(ctx.devnet.chains, 'ETH', 1_700)
  const next = await waitFor(async () => {
    const liquidations = await readJobs(ctx.redisUrl, ctx.prefix, 'liquidate', a.chainId)
    const posted = await readJobs(ctx.redisUrl, ctx.prefix, 'postAttestation', a.chainId)
    if (liquidations.length + posted.length === jobsBefore + postedBefore) return undefined
    // the newest round (highest sequence) of alice
    return [...liquidations, ...posted]
      .filter((job) => job.data.account === alice)
      .reduce((newest, job) => (job.data.sequence > newest.data.sequence ? job : newest))
  })
  const posted = await postHealth(a, next.data)
  expect(posted.status).toBe('success')

  // a second node stops: below the threshold, /readyz 503 and nothing more is queued
  const last = others.find((relay) => relay.lease.isLeader()) ?? others[0]!
  await others.find((relay) => relay !== last)!.stop()
  const lastClient = createXmarginClient({ baseUrl: last.url() })
  await waitFor(async () => (await lastClient.readiness()).status === 503, { what: 'readyz 503' })
  const counts = async () =>
    (await readJobs(ctx.redisUrl, ctx.prefix, 'liquidate', a.chainId)).length +
    (await readJobs(ctx.redisUrl, ctx.prefix, 'postAttestation', a.chainId)).length
  const queued = await counts()
  await setPrice(ctx.devnet.chains, 'ETH', 1_200)
  await waitFor(() => last.book.get(alice)?.band === 'liquidatable', { what: 'alice liquidatable again' })
  await last.idle()
  expect(await counts()).toBe(queued)
  expect((await lastClient.readiness()).body.reasons).toContain('belowThreshold:1/2')
})
