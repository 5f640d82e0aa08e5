import { verifyQuorum, xmarginDigest } from '@xmargin/attestation'
import { ApiRequestError, createXmarginClient, type PermitResponse } from '@xmargin/sdk'
import { padHex } from 'viem'
import { afterEach, expect, test } from 'vitest'
import { A, B, ETH_PERP, tokenAddress, usdc, wad } from '../_test/memoryMarket.js'
import { DOMAINS, type MemoryRelays, SIGNERS, setupMemoryRelays } from '../_test/setupMemoryRelays.js'
import { waitFor } from '../_test/waitFor.js'

const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
let ctx: MemoryRelays | undefined

afterEach(async () => {
  await ctx?.cleanup()
  ctx = undefined
})

/** Alice: 10 000 USDC on A, 2 WETH on B, long 10 ETH-PERP on A from 3000: about 10 000 USD of free margin. */
async function start(settings: Parameters<typeof setupMemoryRelays>[0] = {}) {
  ctx = await setupMemoryRelays(settings)
  ctx.apply((p) => {
    p.setHoldings(alice, A, {
      balances: { [tokenAddress(A, 'USDC')]: usdc(10_000) },
      positions: { [ETH_PERP]: { size: wad(10), entryPrice: 3_000 } },
    })
    p.setHoldings(alice, B, { balances: { [tokenAddress(B, 'WETH')]: wad(2) } })
  })
  await Promise.all(ctx.relays.map((relay) => relay.start()))
  return ctx.relays.map((relay) => createXmarginClient({ baseUrl: relay.url() }))
}

const refusal = (error: unknown) => {
  if (!(error instanceof ApiRequestError)) throw error
  return { status: error.status, code: error.code, field: error.field, body: error.body }
}

test('default: a permit is reserved, signed by a quorum and verifies off chain', async () => {
  const [client] = await start()
  const free = ctx!.relays[0]!.book.get(alice)!.result.imSurplus
  const permit = await client!.requestPermit({
    account: alice,
    chainId: A,
    action: 'withdraw',
    asset: 'USDC',
    amount: '1000',
  })
  expect(permit.status).toBe('signed')
  expect(permit.permit).toMatchObject({
    account: alice,
    chainId: String(A),
    action: 0,
    target: padHex(tokenAddress(A, 'USDC'), { size: 32 }).toLowerCase(),
    limit: '1000000000',
    epoch: '1',
  })
  expect(permit.reservation.costUsd).toBe(1_000)
  expect(permit.reservation.freeMarginUsd).toBeCloseTo(free, 1)
  const digest = xmarginDigest(DOMAINS.get(A)!, 'MarginPermit', {
    account: alice,
    chainId: BigInt(A),
    action: 0,
    target: permit.permit.target as `0x${string}`,
    limit: BigInt(permit.permit.limit),
    nonce: BigInt(permit.permit.nonce),
    epoch: 1n,
    expiry: BigInt(permit.permit.expiry),
  })
  expect(permit.digest).toBe(digest)
  const signerSets = { current: { epoch: 1n, signers: SIGNERS.map((s) => s.address), threshold: 2 } }
  expect(
    await verifyQuorum({
      digest,
      signatures: permit.signatures as `0x${string}`,
      epoch: 1n,
      signerSets,
      now: 0n,
    }),
  ).toEqual(permit.signers)
  // any node answers the lookup
  const [, other] = ctx!.relays.map((relay) => createXmarginClient({ baseUrl: relay.url() }))
  expect((await other!.permit(alice, permit.permit.nonce)).status).toBe('signed')
})

test('behavior: withdrawals on chains A and B at the same moment for the same free margin: at most the free margin is granted', async () => {
  const clients = await start()
  const free = ctx!.relays[0]!.book.get(alice)!.result.imSurplus
  // 7000 USDC on A (7000 USD) and 2 WETH on B (5292 USD): each fits, both do not.
  const outcomes = await Promise.allSettled([
    clients[0]!.requestPermit({
      account: alice,
      chainId: A,
      action: 'withdraw',
      asset: 'USDC',
      amount: '7000',
    }),
    clients[1]!.requestPermit({ account: alice, chainId: B, action: 'withdraw', asset: 'WETH', amount: '2' }),
  ])
  const granted = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
  const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [refusal(o.reason)] : []))
  expect(granted).toHaveLength(1)
  expect(refused).toHaveLength(1)
  expect(refused[0]).toMatchObject({ status: 422, code: 'insufficientMargin' })
  const total = granted.reduce((sum, permit) => sum + permit.reservation.costUsd, 0)
  expect(total).toBeLessThanOrEqual(free)
  expect(
    (refused[0]!.body as { error: { details: { outstandingUsd: number } } }).error.details.outstandingUsd,
  ).toBe(total)
})

test('behavior: after expiry the reservation is released and the margin can be permitted again', async () => {
  // 5 s: long enough that the refusal below still meets the reservation on a loaded CI machine.
  const clients = await start({ settings: { permits: { ttlS: 5, graceS: 0, sweepMs: 50 } } })
  const first = await clients[0]!.requestPermit({
    account: alice,
    chainId: A,
    action: 'withdraw',
    asset: 'USDC',
    amount: '7000',
  })
  await expect(
    clients[1]!.requestPermit({ account: alice, chainId: B, action: 'withdraw', asset: 'WETH', amount: '2' }),
  ).rejects.toThrow(/needs 5292/)
  const second = await waitFor(
    () =>
      clients[1]!
        .requestPermit({ account: alice, chainId: B, action: 'withdraw', asset: 'WETH', amount: '2' })
        .catch(() => undefined),
    { what: 'the reservation to lapse', timeoutMs: 30_000 },
  )
  expect(second.reservation.outstandingUsd).toBeCloseTo(second.reservation.costUsd, 6)
  expect((await clients[2]!.permit(alice, first.permit.nonce)).status).toBe('expired')
})

test('behavior: a permit that would leave imSurplus < 0 is refused with the reason and the figures', async () => {
  const [client] = await start()
  const error = await client!
    .requestPermit({
      account: alice,
      chainId: A,
      action: 'increaseRisk',
      instrumentId: ETH_PERP,
      amount: '100',
    })
    .catch(refusal)
  expect(error).toMatchObject({ status: 422, code: 'insufficientMargin' })
  const { error: body } = (error as { body: { error: { message: string; details: Record<string, number> } } })
    .body
  expect(body.message).toMatch(/would leave imSurplus at -\d+\.\d\d USD \(< 0\)/)
  expect(body.details.imSurplusAfter).toBeLessThan(0)
  expect(Object.keys(body.details).sort()).toEqual([
    'freeMarginUsd',
    'imSurplusAfter',
    'outstandingUsd',
    'requiredUsd',
  ])
})

test('behavior: a hedge leg on another chain is granted with its side, refused without one', async () => {
  const [client] = await start()
  // Alice is long 10 ETH-PERP on A. Without a side a permit for 20 ETH-PERP on B could also buy 20 (net
  // long 30) and is priced for that: refused.
  const body = {
    account: alice,
    chainId: B,
    action: 'increaseRisk',
    instrumentId: ETH_PERP,
    amount: '20',
  } as const
  const sideless = await client!.requestPermit(body).catch(refusal)
  expect(sideless).toMatchObject({ status: 422, code: 'insufficientMargin' })
  // As the short leg of a hedge (IncreaseShort: net short 10, the mirror of now) it costs no margin.
  const hedge = await client!.requestPermit({ ...body, side: 'short' })
  expect(hedge.status).toBe('signed')
  expect(hedge.permit.action).toBe(3)
  expect(hedge.reservation.costUsd).toBeLessThan(1)
  // The long side of the same amount is priced as what it is: more risk, refused.
  const long = await client!.requestPermit({ ...body, side: 'long' }).catch(refusal)
  expect(long).toMatchObject({ status: 422, code: 'insufficientMargin' })
  // A side is for risk increases only.
  const wrong = await client!
    .requestPermit({
      account: alice,
      chainId: A,
      action: 'withdraw',
      asset: 'USDC',
      amount: '1',
      side: 'long',
    })
    .catch(refusal)
  expect(wrong).toMatchObject({ status: 400, field: 'body.side' })
})

test('behavior: the same requestId returns the same permit; another body under it is a conflict', async () => {
  const [client, other] = await start()
  const body = {
    account: alice,
    chainId: A,
    action: 'withdraw' as const,
    asset: 'USDC',
    amount: '500',
    requestId: 'req-1',
  }
  const first = await client!.requestPermit(body)
  const again: PermitResponse = await other!.requestPermit(body)
  expect(again.permit.nonce).toBe(first.permit.nonce)
  expect(again.signatures).toBe(first.signatures)
  expect(await other!.requestPermit({ ...body, amount: '501' }).catch(refusal)).toMatchObject({
    status: 409,
    code: 'requestIdConflict',
    field: 'body.requestId',
  })
  expect(await ctx!.relays[0]!.permits.outstanding(alice)).toBe(500)
})

test('behavior: a permit used on chain stops counting once the state includes the withdrawal', async () => {
  const clients = await start()
  const permit = await clients[0]!.requestPermit({
    account: alice,
    chainId: A,
    action: 'withdraw',
    asset: 'USDC',
    amount: '7000',
  })
  await expect(
    clients[0]!.requestPermit({ account: alice, chainId: B, action: 'withdraw', asset: 'WETH', amount: '2' }),
  ).rejects.toThrow(/needs/)
  // the chain: Withdrawn then PermitUsed in the same block
  ctx!.apply((p) => {
    p.setHoldings(alice, A, {
      balances: { [tokenAddress(A, 'USDC')]: usdc(3_000) },
      positions: { [ETH_PERP]: { size: wad(10), entryPrice: 3_000 } },
    })
    p.usePermit({ chainId: A, account: alice, nonce: BigInt(permit.permit.nonce) })
  })
  await waitFor(async () => (await clients[0]!.permit(alice, permit.permit.nonce)).status === 'used')
  await ctx!.settle()
  expect(await ctx!.relays[1]!.permits.outstanding(alice)).toBe(0)
  // What is left (about 1700 USD) is judged on the real figures: the used reservation no longer counts.
  const error = await clients[1]!
    .requestPermit({ account: alice, chainId: B, action: 'withdraw', asset: 'WETH', amount: '1' })
    .catch(refusal)
  expect(error).toMatchObject({ status: 422, code: 'insufficientMargin' })
  expect(
    (error as { body: { error: { details: { outstandingUsd: number } } } }).body.error.details.outstandingUsd,
  ).toBe(0)
  const half = await clients[1]!.requestPermit({
    account: alice,
    chainId: B,
    action: 'withdraw',
    asset: 'WETH',
    amount: '0.5',
  })
  expect(half.reservation.outstandingUsd).toBe(half.reservation.costUsd)
})
