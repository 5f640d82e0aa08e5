import {
  accountHealthViewSchema,
  createXmarginClient,
  type HealthEvent,
  portfolioViewSchema,
} from '@xmargin/sdk'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { A, B, ETH_CALL, ETH_PERP, tokenAddress, usdc, wad } from '../_test/memoryMarket.js'
import { type MemoryRelays, setupMemoryRelays } from '../_test/setupMemoryRelays.js'
import { waitFor } from '../_test/waitFor.js'

const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const bob = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
let ctx: MemoryRelays
let url: string

beforeAll(async () => {
  // One node with a 1-of-3 threshold: the API alone is under test here.
  ctx = await setupMemoryRelays({ nodes: 1, threshold: 1 })
  ctx.apply((p) => {
    p.setHoldings(alice, A, {
      balances: { [tokenAddress(A, 'USDC')]: usdc(10_000) },
      positions: { [ETH_PERP]: { size: wad(10), entryPrice: 3_000 } },
    })
    p.setHoldings(alice, B, {
      balances: { [tokenAddress(B, 'WETH')]: wad(1) },
      positions: { [ETH_CALL]: { size: -wad(5), entryPrice: 0 } },
    })
    p.setHoldings(bob, A, { balances: { [tokenAddress(A, 'USDC')]: usdc(50_000) } })
  })
  await ctx.relays[0]!.start()
  url = ctx.relays[0]!.url()
})
afterAll(() => ctx.cleanup())

const post = (
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

test('default: the health object carries figures, band, binding scenario, per-chain breakdown and anchors', async () => {
  const client = createXmarginClient({ baseUrl: url })
  const health = await client.health(alice.toLowerCase())
  expect(accountHealthViewSchema.parse(health)).toEqual(health)
  const risk = ctx.relays[0]!.book.get(alice)!
  expect(health).toMatchObject({
    account: alice,
    equity: risk.result.equity,
    maintenanceMargin: risk.result.maintenanceMargin,
    band: 'healthy',
    binding: { underlying: 'ETH' },
  })
  expect(health.units.map((u) => u.underlying)).toEqual(['ETH'])
  expect(
    health.chains.map((c) => [c.chainId, c.positions.map((p) => [p.instrumentId, p.kind, p.size])]),
  ).toEqual([
    [A, [[ETH_PERP, 'perp', 10]]],
    [B, [[ETH_CALL, 'option', -5]]],
    [31339, []],
  ])
  expect(health.chains[1]!.collateral[0]).toMatchObject({
    asset: 'WETH',
    amount: 1,
    price: 3_000,
    haircut: 0.1,
  })
  expect(health.anchors).toHaveLength(3)

  // the portfolio's input reproduces the figures (`xmargin margin --input`)
  const portfolio = portfolioViewSchema.parse(await client.portfolio(alice))
  const { computeMargin } = await import('@xmargin/margin')
  expect(computeMargin(portfolio.input as never).equity).toBeCloseTo(health.equity, 9)

  // what-if: withdrawing the WETH lowers the IM surplus by its collateral value
  const simulated = await client.simulate({
    account: alice,
    changes: [{ kind: 'withdraw', chainId: B, asset: 'WETH', amount: 1 }],
  })
  expect(simulated.imSurplusChange).toBeCloseTo(-3_000 * 0.9 * 0.98, 6)
  const unknown = await fetch(`${url}/v1/accounts/0x${'1'.repeat(40)}/health`)
  expect([unknown.status, (await unknown.json()) as unknown]).toEqual([
    404,
    { error: { code: 'unknownAccount', message: `no account 0x${'1'.repeat(40)}`, field: 'params.account' } },
  ])
})

test('behavior: malformed requests get 4xx naming the field', async () => {
  const cases: [string, Response][] = [
    ['params.account', await fetch(`${url}/v1/accounts/0x1234/health`)],
    [
      'body.amount',
      await post('/v1/permits', {
        account: alice,
        chainId: A,
        action: 'withdraw',
        asset: 'USDC',
        amount: 'ten',
      }),
    ],
    [
      'body.asset',
      await post('/v1/permits', { account: alice, chainId: A, action: 'withdraw', amount: '1' }),
    ],
    [
      'body.chainId',
      await post('/v1/permits', {
        account: alice,
        chainId: -1,
        action: 'withdraw',
        asset: 'USDC',
        amount: '1',
      }),
    ],
    [
      'body.extra',
      await post('/v1/permits', {
        account: alice,
        chainId: A,
        action: 'withdraw',
        asset: 'USDC',
        amount: '1',
        extra: 1,
      }),
    ],
    [
      'body.changes[0].size',
      await post('/v1/simulate', {
        account: alice,
        changes: [{ kind: 'trade', chainId: A, instrumentId: 1, size: 0 }],
      }),
    ],
    [
      'body.input.units[0].spot',
      await post('/v1/simulate', { input: { asOf: 1, units: [{ underlying: 'ETH', spot: -1 }] } }),
    ],
    ['query.account', await fetch(`${url}/v1/permits/1`)],
    ['body', await post('/v1/permits', '{"account":')],
    ['headers.content-type', await post('/v1/permits', 'x', { 'content-type': 'text/csv' })],
    [
      'body.amount',
      await post('/v1/permits', {
        account: alice,
        chainId: A,
        action: 'withdraw',
        asset: 'USDC',
        amount: '1.1234567',
      }),
    ],
    [
      'body.instrumentId',
      await post('/v1/permits', {
        account: alice,
        chainId: A,
        action: 'increaseRisk',
        instrumentId: 99,
        amount: '1',
      }),
    ],
  ]
  const answers = await Promise.all(
    cases.map(async ([field, response]) => [
      field,
      response.status,
      ((await response.json()) as { error: { field?: string } }).error.field,
    ]),
  )
  for (const [field, status, named] of answers) {
    expect(status, String(field)).toBeGreaterThanOrEqual(400)
    expect(status, String(field)).toBeLessThan(500)
    expect(named, String(field)).toBe(field)
  }
})

test('behavior: random bodies, paths and queries never get a 5xx', async () => {
  const address = fc.constantFrom(
    alice,
    bob,
    `0x${'0'.repeat(40)}`,
    '0x12',
    'not-an-address',
    alice.toLowerCase(),
  )
  const segment = fc.oneof(
    address,
    fc.string(),
    fc.nat().map(String),
    fc.constantFrom('..', '%00', '%zz', 'by-digest', `0x${'a'.repeat(64)}`),
  )
  const path = fc.oneof(
    fc.tuple(segment).map(([a]) => `/v1/accounts/${encodeURIComponent(a)}/health`),
    fc.tuple(segment).map(([a]) => `/v1/accounts/${encodeURIComponent(a)}/portfolio`),
    fc
      .tuple(segment, segment)
      .map(([a, b]) => `/v1/attestations/${encodeURIComponent(a)}/${encodeURIComponent(b)}`),
    fc.tuple(segment).map(([a]) => `/v1/permits/${encodeURIComponent(a)}`),
    fc.constantFrom('/v1/permits', '/v1/simulate', '/readyz', '/healthz', '/openapi.json', '/v1', '/'),
    fc.webPath(),
  )
  const query = fc.dictionary(
    fc.constantFrom('account', 'accounts', 'x', 'nonce'),
    fc.oneof(address, fc.string()),
    { maxKeys: 3 },
  )
  const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -1, 1e308, 31337, 31338))
  const permitBody = fc.record(
    {
      account: address,
      chainId: fc.oneof(number, fc.string()),
      action: fc.oneof(fc.constantFrom('withdraw', 'increaseRisk'), fc.string()),
      asset: fc.oneof(fc.constantFrom('USDC', 'WETH', tokenAddress(A, 'USDC')), fc.string()),
      instrumentId: fc.oneof(number, fc.constantFrom(1, 2)),
      amount: fc.oneof(
        fc.constantFrom('1', '0.5', '1e3', '-1', '99999999999999999999999'),
        fc.string(),
        number,
      ),
      requestId: fc.string(),
    },
    { requiredKeys: [] },
  )
  const change = fc.record(
    {
      kind: fc.oneof(fc.constantFrom('trade', 'withdraw', 'deposit'), fc.string()),
      chainId: fc.oneof(number, fc.constant(A)),
      instrumentId: fc.oneof(number, fc.constantFrom(1, 2)),
      size: number,
      price: number,
      asset: fc.oneof(fc.constantFrom('USDC', 'WETH'), fc.string()),
      amount: number,
    },
    { requiredKeys: [] },
  )
  const simulateBody = fc.record(
    { account: address, changes: fc.array(change, { maxLength: 4 }), input: fc.jsonValue() },
    { requiredKeys: [] },
  )
  const body = fc.oneof(permitBody, simulateBody, fc.jsonValue(), fc.string())
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
      path,
      query,
      body,
      async (method, p, q, b) => {
        const search = new URLSearchParams(q).toString()
        const response = await fetch(`${url}${p}${search ? `?${search}` : ''}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(method === 'GET' ? {} : { body: typeof b === 'string' ? b : JSON.stringify(b) }),
        })
        const text = await response.text()
        expect(response.status, `${method} ${p}?${search} ${JSON.stringify(b)} → ${text}`).toBeLessThan(500)
      },
    ),
    { numRuns: 400 },
  )
})

test('behavior: the OpenAPI document lists every route with its schemas', async () => {
  const document = (await (await fetch(`${url}/openapi.json`)).json()) as {
    openapi: string
    paths: Record<string, object>
  }
  expect(document.openapi).toBe('3.1.0')
  expect(Object.keys(document.paths).sort()).toEqual([
    '/healthz',
    '/readyz',
    '/v1/accounts/{account}/health',
    '/v1/accounts/{account}/portfolio',
    '/v1/attestations/by-digest/{digest}',
    '/v1/attestations/{account}/{sequence}',
    '/v1/permits',
    '/v1/permits/{nonce}',
    '/v1/simulate',
    '/v1/stream/health',
  ])
  const metrics = await (await fetch(`${url}/metrics`)).text()
  expect(metrics).toMatch(/xmargin_relay_accounts\{band="healthy"\} 2/)
  expect(metrics).toMatch(/xmargin_relay_queue_jobs\{queue="liquidate-31337",state="waiting"\} 0/)
})

test('behavior: the health stream sends band changes of the followed accounts and resumes after Last-Event-ID', async () => {
  const client = createXmarginClient({ baseUrl: url })
  const events: { event: HealthEvent; id: string | undefined }[] = []
  const controller = new AbortController()
  let opened = false
  const streaming = client.streamHealth({
    accounts: [alice],
    signal: controller.signal,
    onOpen: () => {
      opened = true
    },
    onEvent: (event, id) => events.push({ event, id }),
  })
  await waitFor(() => opened)
  ctx.apply((p) => p.setPrice('ETH', 2_300))
  await waitFor(() => events.some((e) => e.event.type === 'band'), { what: 'a band event' })
  controller.abort()
  await streaming
  const band = events.find((e) => e.event.type === 'band')!
  expect(band.event).toMatchObject({ account: alice, band: 'warning', previousBand: 'healthy' })
  expect(events.every((e) => e.event.account === alice)).toBe(true)

  // resume: everything after the first event is replayed, nothing before
  ctx.apply((p) => p.setPrice('ETH', 2_200))
  await ctx.settle()
  const replayed: HealthEvent[] = []
  const again = new AbortController()
  const resumed = client.streamHealth({
    accounts: [alice],
    signal: again.signal,
    lastEventId: band.id,
    onEvent: (event) => replayed.push(event),
  })
  await waitFor(() => replayed.length > 0)
  again.abort()
  await resumed
  expect(replayed[0]!.equity).toBeLessThan(band.event.equity)
})
