// The scripted crash on a whole devnet (three chains, three relay nodes with threshold two, two keepers as
// real processes): the trader is liquidated on the chain that holds the risk, collateral is seized on
// other chains over LayerZero, the cross-chain hedge keeps the hedger safe, and the termination
// invariants hold.
import { collateralVaultAbi, liquidatorAbi } from '@xmargin/contracts'
import {
  CRASH_STEPS,
  type CrashSummary,
  DEMO_ACCOUNTS,
  findInstrument,
  runCrashScenario,
} from '@xmargin/demo'
import { getAddress } from 'viem'
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest'
import { SCENARIO_TIMEOUT_MS, STACK_TIMEOUT_MS, startE2eStack } from './stack.js'

let run: Awaited<ReturnType<typeof startE2eStack>>
let summary: CrashSummary
/** The hedger's health with its hedge on C closed, at the crash's last prices. */
let unhedged: { health: number | null; band: string }
let failed = false

beforeAll(async () => {
  run = await startE2eStack('crash')
  summary = await runCrashScenario(run.stack, {
    onLine: (line) => run.lines.push(line),
    afterStep: async (step) => {
      if (step.step !== CRASH_STEPS.length) return
      // What the hedger would be without the short on C: the same what-if any integrator can ask for.
      const c = run.stack.chains[2]!
      const perpC = findInstrument(c, { kind: 'perp', underlying: 'ETH' })
      const whatIf = await run.stack.api().simulate({
        account: DEMO_ACCOUNTS.hedger.address,
        changes: [{ kind: 'trade', chainId: c.chainId, instrumentId: perpC.id, size: 18 }],
      })
      unhedged = { health: whatIf.after.health, band: whatIf.after.band }
    },
  })
}, STACK_TIMEOUT_MS + SCENARIO_TIMEOUT_MS)

afterAll(async () => {
  await run?.stop(failed)
})

test('default: the crash liquidates the trader where the risk is, and seizes its collateral on another chain', async () => {
  onTestFailed(() => {
    failed = true
  })
  const [a, b, c] = run.stack.chains as [
    (typeof run.stack.chains)[0],
    (typeof run.stack.chains)[0],
    (typeof run.stack.chains)[0],
  ]
  const { trader } = DEMO_ACCOUNTS

  // Every step: the prices it set, and the trader's figures falling with them.
  expect(summary.steps.map((step) => step.prices)).toEqual(CRASH_STEPS)
  for (const [i, step] of summary.steps.entries()) {
    expect(step.trader.equity, `step ${i + 1} equity`).toBeGreaterThan(0)
    if (i > 0)
      expect(step.trader.equity, `step ${i + 1} equity falls`).toBeLessThan(
        summary.steps[i - 1]!.trader.equity,
      )
  }
  // Steps 1 and 2 leave the trader above maintenance, and nobody liquidates it; step 3 takes it below
  // (the relay may already show it restored by a liquidation when the step is narrated).
  expect(summary.steps[0]!.trader.health).toBeGreaterThan(1)
  expect(summary.steps[1]!.trader.health).toBeGreaterThan(1)
  expect(summary.firstLiquidationStep).toBeGreaterThanOrEqual(3)

  // Liquidations, read from the chains (not from the demo): only the trader, only where it holds
  // positions (perpetuals on B, options on C), the first on B, each attestation sequence once per chain.
  const liquidated = await Promise.all(
    run.stack.chains.map((chain) =>
      chain.publicClient.getContractEvents({
        address: chain.config.contracts.liquidator!,
        abi: liquidatorAbi,
        eventName: 'Liquidated',
        fromBlock: 0n,
      }),
    ),
  )
  expect(liquidated[0]).toHaveLength(0)
  expect(liquidated[1]!.length).toBeGreaterThanOrEqual(1)
  expect(summary.liquidations).toBe(liquidated.flat().length)
  for (const event of liquidated.flat()) expect(getAddress(event.args.account!)).toBe(trader.address)
  expect(summary.firstLiquidationLatencyMs).toBeGreaterThan(0)
  expect(summary.crashToLastLiquidationMs).toBeGreaterThanOrEqual(summary.firstLiquidationLatencyMs!)

  // B's own collateral (0.5 WETH) cannot cover the loss: B asked A for the rest, and A paid from the
  // trader's USDC there.
  expect(summary.crossChainSeizes).toBeGreaterThanOrEqual(1)
  const usdcA = a.config.tokens.USDC!.address
  const left = await a.publicClient.readContract({
    address: a.config.contracts.collateralVault!,
    abi: collateralVaultAbi,
    functionName: 'balanceOf',
    args: [trader.address, usdcA],
  })
  expect(left).toBeLessThan(14_000n * 10n ** 6n)
  expect(summary.badDebt).toBe(0)
  expect(summary.attestationsPosted).toBeGreaterThanOrEqual(summary.liquidations)

  // After the liquidations the trader is no longer liquidatable: the relay says so, and so would B and C.
  const final = await run.stack.api().health(trader.address)
  expect(final.band).not.toBe('liquidatable')
  expect(final.chains.find((chain) => chain.chainId === b.chainId)).toBeDefined()
  expect(final.chains.find((chain) => chain.chainId === c.chainId)).toBeDefined()
})

test('behavior: the hedged account is never liquidated, though without its hedge on C it would be', async () => {
  onTestFailed(() => {
    failed = true
  })
  expect(summary.hedgerLiquidated).toBe(false)
  for (const step of summary.steps) {
    expect(step.hedger.band, `step ${step.step}`).not.toBe('liquidatable')
    expect(step.hedger.health, `step ${step.step}`).toBeGreaterThan(1)
  }
  // The same crash on the long leg alone (the short on C bought back): below maintenance.
  expect(unhedged.band).toBe('liquidatable')
  expect(unhedged.health).toBeLessThan(1)
})

test('behavior: the termination invariants hold', () => {
  onTestFailed(() => {
    failed = true
  })
  expect(summary.invariants.map((check) => check.name)).toEqual(
    expect.arrayContaining([
      'every job ended',
      'every attestation used at most once',
      'no nonce gap',
      'no unaccounted bad debt',
      ...run.stack.chains.map((chain) => `vault balances equal token balances on ${chain.chainId}`),
    ]),
  )
  for (const check of summary.invariants) expect(check.holds, `${check.name}: ${check.detail}`).toBe(true)
  expect(summary.invariantsHold).toBe(true)
})
