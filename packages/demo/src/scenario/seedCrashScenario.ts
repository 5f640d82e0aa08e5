import { black76Price } from '@xmargin/margin'
import { DEMO_ACCOUNTS } from '../accounts.js'
import { usd } from '../format.js'
import type { DemoChain, Stack } from '../stack/startStack.js'
import { type DemoKey, deposit, findInstrument, trade, waitForRelay } from './seed.js'

/** The starting prices of the devnet (`deployXmargin`'s defaults). */
export const START_PRICES = { ETH: 3_000, BTC: 60_000 } as const

/**
 * The accounts of the crash scenario. Chains are taken in deployment order: A holds the trader's USDC,
 * B its WETH and perpetuals, C its WBTC and options.
 *
 * - trader: 14 000 USDC on A, 0.5 WETH on B, 0.1 WBTC on C; long 20 ETH-PERP on B, short 10 ETH puts on C.
 *   One portfolio: the collateral on A and C backs the risk on B and C. The crash makes it liquidatable on
 *   B, and B's own collateral cannot cover the realised loss, so B asks A (and C) to seize the rest.
 * - hedger: 8 000 USDC on A; long 20 ETH-PERP on B, short 18 on C. The hedge sits on two chains; margined
 *   as one portfolio it stays healthy through the whole crash.
 * - market maker (the venue): the other side of every trade, with ample USDC on every chain.
 */
export async function seedCrashScenario(
  stack: Stack,
  say: (line: string) => void,
  options: { hedger?: boolean | undefined } = {},
): Promise<void> {
  const withHedger = options.hedger ?? true
  const [a, b, c] = stack.chains as [
    (typeof stack.chains)[0],
    (typeof stack.chains)[0],
    (typeof stack.chains)[0],
  ]
  const { marketMaker, trader, hedger } = DEMO_ACCOUNTS

  const deposits: Array<{ chain: DemoChain; owner: DemoKey; symbol: string; amount: string }> = [
    ...stack.chains.map((chain) => ({ chain, owner: marketMaker, symbol: 'USDC', amount: '2000000' })),
    { chain: a, owner: trader, symbol: 'USDC', amount: '14000' },
    { chain: b, owner: trader, symbol: 'WETH', amount: '0.5' },
    { chain: c, owner: trader, symbol: 'WBTC', amount: '0.1' },
    ...(withHedger ? [{ chain: a, owner: hedger, symbol: 'USDC', amount: '8000' }] : []),
  ]
  await Promise.all(
    deposits.map(({ chain, owner, symbol, amount }) => deposit(chain, { owner, symbol, amount })),
  )
  say(`  market maker: 2,000,000 USDC on each chain (it is also the venue that settles trades)`)
  say(`  trader: 14,000 USDC on ${a.name}, 0.5 WETH on ${b.name}, 0.1 WBTC on ${c.name}`)
  if (withHedger) say(`  hedger: 8,000 USDC on ${a.name}`)
  // Every deposit in the relay's view before the first permit is asked for (each chain is followed on its
  // own: seeing one chain's deposit says nothing about another's).
  for (const { chain, owner, symbol } of deposits)
    await waitForRelay(stack, owner.address, (health) => {
      const view = health.chains.find((entry) => entry.chainId === chain.chainId)
      if (!view) return undefined
      return symbol === chain.config.settlementToken
        ? view.cash > 0 || undefined
        : view.collateral.some((line) => line.asset === symbol && line.amount > 0) || undefined
    })

  const perpB = findInstrument(b, { kind: 'perp', underlying: 'ETH' })
  const perpC = findInstrument(c, { kind: 'perp', underlying: 'ETH' })
  const putC = findInstrument(c, { kind: 'option', underlying: 'ETH', isCall: false })
  const spot = START_PRICES.ETH
  const years = (putC.expiry - Date.now() / 1_000) / 31_536_000
  const rate = 0.05
  const strike = Number(BigInt(putC.strike) / 10n ** 12n) / 1e6
  const premium = black76Price(
    spot * Math.exp(rate * years),
    strike,
    years,
    0.64,
    Math.exp(-rate * years),
    false,
  )

  await trade(stack, b, { instrument: perpB, buyer: trader, seller: marketMaker, size: '20', priceUsd: spot })
  say(
    `  trader long 20 ${perpB.symbol ?? 'ETH-PERP'} on ${b.name} at ${usd(spot)} (both sides' permits granted by the relay)`,
  )
  await waitForRelay(stack, trader.address, (health) => (health.maintenanceMargin > 0 ? true : undefined))
  await trade(stack, c, {
    instrument: putC,
    buyer: marketMaker,
    seller: trader,
    size: '10',
    priceUsd: premium,
  })
  say(`  trader short 10 ${putC.symbol ?? 'ETH puts'} on ${c.name} at ${usd(premium)} premium`)
  if (!withHedger) return
  // The hedger scales in, a leg on each chain in turn: every permit is priced on the portfolio as it then
  // stands, and the short leg on C is granted because the relay sees the long on B.
  for (const [long, short] of [
    [5, 5],
    [5, 5],
    [5, 5],
    [5, 3],
  ] as const) {
    await trade(stack, b, {
      instrument: perpB,
      buyer: hedger,
      seller: marketMaker,
      size: String(long),
      priceUsd: spot,
    })
    await waitForRelay(stack, hedger.address, (health) => (health.maintenanceMargin > 0 ? true : undefined))
    await trade(stack, c, {
      instrument: perpC,
      buyer: marketMaker,
      seller: hedger,
      size: String(short),
      priceUsd: spot,
    })
  }
  say(
    `  hedger long 20 ETH-PERP on ${b.name}, short 18 ETH-PERP on ${c.name} (built up 5 at a time, leg by leg)`,
  )
}
