// One margin, two chains: a user withdraws on chain A while a trade on chain B is pending. The relay's
// permits reserve margin when they are signed, so the same dollars cannot back both the withdrawal and
// the trade, whichever comes first, and even when both are asked for at the same instant.
import { collateralVaultAbi } from '@xmargin/contracts'
import {
  DEMO_ACCOUNTS,
  type DemoChain,
  deposit,
  findInstrument,
  requestPermit,
  type SignedPermit,
  trade,
  waitForInvariants,
  waitForRelay,
} from '@xmargin/demo'
import { ApiRequestError } from '@xmargin/sdk'
import { parseUnits } from 'viem'
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest'
import { STACK_TIMEOUT_MS, startE2eStack } from './stack.js'

let run: Awaited<ReturnType<typeof startE2eStack>>
let a: DemoChain
let b: DemoChain
let failed = false
let requests = 0
const requestId = (what: string) => `e2e-permits-${Date.now().toString(36)}-${requests++}-${what}`

beforeAll(async () => {
  run = await startE2eStack('permits', { keepers: 1 })
  ;[a, b] = run.stack.chains as [DemoChain, DemoChain]
  const { marketMaker, trader, hedger } = DEMO_ACCOUNTS
  await Promise.all([
    deposit(b, { owner: marketMaker, symbol: 'USDC', amount: '2000000' }),
    deposit(a, { owner: trader, symbol: 'USDC', amount: '10000' }),
    deposit(a, { owner: hedger, symbol: 'USDC', amount: '10000' }),
  ])
  for (const account of [marketMaker, trader, hedger])
    await waitForRelay(run.stack, account.address, (health) => (health.equity > 0 ? true : undefined))
}, STACK_TIMEOUT_MS)

afterAll(async () => {
  await run?.stop(failed)
})

/** The relay's refusal of a permit, or undefined when it granted it. */
async function refusalOf(promise: Promise<unknown>): Promise<ApiRequestError | undefined> {
  try {
    await promise
    return undefined
  } catch (error) {
    if (error instanceof ApiRequestError) return error
    throw error
  }
}

function details(error: ApiRequestError): Record<string, number> {
  return (error.body as { error: { details: Record<string, number> } }).error.details
}

async function withdraw(
  chain: DemoChain,
  owner: (typeof DEMO_ACCOUNTS)['trader'],
  amount: string,
  permit: SignedPermit,
) {
  const wallet = chain.wallet(owner.privateKey)
  const hash = await wallet.writeContract({
    address: chain.config.contracts.collateralVault!,
    abi: collateralVaultAbi,
    functionName: 'withdraw',
    args: [
      chain.config.tokens.USDC!.address,
      parseUnits(amount, 6),
      owner.address,
      permit.permit,
      permit.signatures,
    ],
  })
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash })
  expect(receipt.status, `withdraw ${hash}`).toBe('success')
}

test('default: a trade permit pending on B holds its margin, so a withdrawal on A cannot spend it', async () => {
  onTestFailed(() => {
    failed = true
  })
  const { trader, marketMaker } = DEMO_ACCOUNTS
  const perpB = findInstrument(b, { kind: 'perp', underlying: 'ETH' })

  // The trade is agreed on B: the trader's permit is signed and its margin reserved, not yet settled.
  const tradePermit = await requestPermit(run.stack, {
    account: trader.address,
    chainId: b.chainId,
    action: 'increaseRisk',
    instrumentId: perpB.id,
    amount: '10',
    side: 'long',
    requestId: requestId('trade'),
  })
  // Withdrawing everything on A now would spend the margin the pending trade needs: refused, with figures.
  const all = await refusalOf(
    requestPermit(run.stack, {
      account: trader.address,
      chainId: a.chainId,
      action: 'withdraw',
      asset: 'USDC',
      amount: '10000',
      requestId: requestId('withdraw-all'),
    }),
  )
  expect(all?.status).toBe(422)
  expect(all?.code).toBe('insufficientMargin')
  const figures = details(all!)
  // The pending trade's reservation is what stands in the way: without it the whole 10 000 is free.
  expect(figures.outstandingUsd).toBeGreaterThan(0)
  expect(figures.freeMarginUsd).toBeGreaterThan(9_999)
  const available = figures.freeMarginUsd! - figures.outstandingUsd!
  expect(available).toBeGreaterThan(0)
  expect(available).toBeLessThan(10_000)

  // What is free besides the reservation can be withdrawn, on chain, while the trade is still pending.
  const part = Math.floor(available / 2).toString()
  const partPermit = await requestPermit(run.stack, {
    account: trader.address,
    chainId: a.chainId,
    action: 'withdraw',
    asset: 'USDC',
    amount: part,
    requestId: requestId('withdraw-part'),
  })
  await withdraw(a, trader, part, partPermit)

  // The trade then settles on B with the permit reserved before the withdrawal.
  await trade(run.stack, b, {
    instrument: perpB,
    buyer: trader,
    seller: marketMaker,
    size: '10',
    priceUsd: 3_000,
    permits: { buyer: tradePermit },
  })
  const after = await waitForRelay(run.stack, trader.address, (health) =>
    health.maintenanceMargin > 0 ? health : undefined,
  )
  // Both happened and the account still covers its initial margin: nothing was spent twice.
  expect(after.equity).toBeLessThan(10_000 - Number(part) + 1)
  expect(after.initialMargin).toBeGreaterThan(0)
  expect(after.imSurplus).toBeGreaterThanOrEqual(-1)
  expect(after.band).not.toBe('liquidatable')

  // And what is left cannot be withdrawn past the open position's margin.
  const rest = await refusalOf(
    requestPermit(run.stack, {
      account: trader.address,
      chainId: a.chainId,
      action: 'withdraw',
      asset: 'USDC',
      amount: String(10_000 - Number(part)),
      requestId: requestId('withdraw-rest'),
    }),
  )
  expect(rest?.code).toBe('insufficientMargin')
})

test('behavior: a withdrawal on A and a trade on B asked for at the same instant: only one gets the margin', async () => {
  onTestFailed(() => {
    failed = true
  })
  const { hedger } = DEMO_ACCOUNTS
  const perpB = findInstrument(b, { kind: 'perp', underlying: 'ETH' })
  const [withdrawAll, buy] = await Promise.all([
    refusalOf(
      requestPermit(run.stack, {
        account: hedger.address,
        chainId: a.chainId,
        action: 'withdraw',
        asset: 'USDC',
        amount: '10000',
        requestId: requestId('race-withdraw'),
      }),
    ),
    refusalOf(
      requestPermit(run.stack, {
        account: hedger.address,
        chainId: b.chainId,
        action: 'increaseRisk',
        instrumentId: perpB.id,
        amount: '10',
        side: 'long',
        requestId: requestId('race-trade'),
      }),
    ),
  ])
  // Each alone is allowed (see the test above); together they would spend the same 10 000 USDC twice.
  const refused = [withdrawAll, buy].filter((refusal) => refusal !== undefined)
  expect(refused).toHaveLength(1)
  expect(refused[0]!.code).toBe('insufficientMargin')
})

test('behavior: the termination invariants hold', async () => {
  onTestFailed(() => {
    failed = true
  })
  const report = await waitForInvariants(run.stack)
  for (const check of report.checks) expect(check.holds, `${check.name}: ${check.detail}`).toBe(true)
  expect(report.checks.length).toBe(4 + run.stack.chains.length)
})
