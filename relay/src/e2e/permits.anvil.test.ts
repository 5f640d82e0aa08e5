import { collateralVaultAbi } from '@xmargin/contracts'
import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { ApiRequestError, createXmarginClient } from '@xmargin/sdk'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { deposit, signedPermit, trade } from '../_test/chainActions.js'
import { type ChainRelays, setupChainRelays } from '../_test/setupChainRelays.js'
import { waitFor } from '../_test/waitFor.js'

// Permits on three anvil chains with three relay nodes: one free margin, two chains, one grant; the
// granted permit used on chain releases its reservation; an unused one lapses at its expiry.

const alice = ANVIL_ACCOUNTS[2]!.address
const maker = ANVIL_ACCOUNTS[3]!.address
let ctx: ChainRelays

beforeAll(async () => {
  ctx = await setupChainRelays({ settings: { permits: { ttlS: 3, graceS: 0, sweepMs: 100 } } })
  await Promise.all([0, 1, 2].map((i) => ctx.start(i)))
}, 180_000)
afterAll(() => ctx?.cleanup())

test('default: withdrawals requested on A and B at the same moment get at most the free margin; use and expiry release it', async () => {
  const [a, b] = ctx.devnet.chains as [(typeof ctx.devnet.chains)[0], (typeof ctx.devnet.chains)[0]]
  const relays = ctx.relays.map((relay) => relay!)
  const clients = relays.map((relay) => createXmarginClient({ baseUrl: relay.url() }))
  // 5 000 USDC on A and 2 WETH (3000 USD each, 10% haircut, 2% chain penalty: 5292 USD) on B, long 1 ETH-PERP
  await deposit(a, 'USDC', alice, 5_000n * 10n ** 6n)
  await deposit(b, 'WETH', alice, 2n * 10n ** 18n)
  await deposit(a, 'USDC', maker, 1_000_000n * 10n ** 6n)
  await waitFor(() =>
    relays.every((r) => r.book.get(alice)?.portfolio.chains[1]?.balances.size && r.book.get(maker)),
  )
  await trade(a, clients[0]!, {
    instrumentId: a.xmargin.instruments.ethPerp,
    buyer: alice,
    seller: maker,
    size: '1',
    price: 3_000n * 10n ** 18n,
  })
  const health = await waitFor(async () => {
    const view = await clients[0]!.health(alice)
    return view.chains[0]!.positions.length > 0 && view
  })
  const free = health.imSurplus
  expect(free).toBeLessThan(5_000 + 5_292)

  // both fit alone (5000 and 5292), not together: one is granted, the other refused with the figures
  const outcomes = await Promise.allSettled([
    clients[0]!.requestPermit({
      account: alice,
      chainId: a.chainId,
      action: 'withdraw',
      asset: 'USDC',
      amount: '5000',
    }),
    clients[1]!.requestPermit({
      account: alice,
      chainId: b.chainId,
      action: 'withdraw',
      asset: 'WETH',
      amount: '2',
    }),
  ])
  const granted = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
  const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as ApiRequestError] : []))
  expect([granted.length, refused.length]).toEqual([1, 1])
  expect(refused[0]).toBeInstanceOf(ApiRequestError)
  expect(refused[0]!.code).toBe('insufficientMargin')
  expect(granted[0]!.reservation.costUsd).toBeLessThanOrEqual(free)

  // the chain with the grant: the withdrawal uses the permit; the relay sees PermitUsed and the new balance
  const permit = granted[0]!
  const onA = permit.permit.chainId === String(a.chainId)
  const chain = onA ? a : b
  const token = onA ? a.xmargin.tokens.USDC.address : b.xmargin.tokens.WETH.address
  const hash = await chain.wallet(2).writeContract({
    address: chain.xmargin.contracts.collateralVault,
    abi: collateralVaultAbi,
    functionName: 'withdraw',
    args: [
      token,
      BigInt(permit.permit.limit),
      alice,
      signedPermit(permit).permit,
      signedPermit(permit).signatures,
    ],
  })
  expect((await chain.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
  await waitFor(async () => (await clients[2]!.permit(alice, permit.permit.nonce)).status === 'used', {
    what: 'the permit seen used',
  })
  await waitFor(async () => (await relays[1]!.permits.outstanding(alice)) === 0, {
    what: 'the reservation released',
  })

  // what is left can be permitted; an unused permit lapses at its expiry and its reservation with it
  const left = await waitFor(async () => {
    const view = await clients[1]!.health(alice)
    return view.imSurplus < free - 1_000 && view
  })
  const rest = await clients[1]!.requestPermit({
    account: alice,
    chainId: onA ? b.chainId : a.chainId,
    action: 'withdraw',
    asset: onA ? 'WETH' : 'USDC',
    amount: onA ? '1' : '1000',
  })
  expect(rest.reservation.freeMarginUsd).toBeCloseTo(left.imSurplus, 1)
  expect(await relays[0]!.permits.outstanding(alice)).toBeGreaterThan(0)
  await waitFor(async () => (await relays[0]!.permits.outstanding(alice)) === 0, {
    what: 'the unused permit to lapse',
  })
  expect((await clients[0]!.permit(alice, rest.permit.nonce)).status).toBe('expired')
})
