import { DEMO_ACCOUNTS } from '../accounts.js'
import { duration, healthFigure, short, usd } from '../format.js'
import { checkJobsEnded, type InvariantCheck, waitForInvariants } from '../invariants/checkInvariants.js'
import { createEventLog, type EventLog, type ObservedEvent } from '../observe/createEventLog.js'
import type { Stack } from '../stack/startStack.js'
import { START_PRICES, seedCrashScenario } from './seedCrashScenario.js'
import { setPrices } from './setPrices.js'

/** The scripted crash: ETH falls 4 % a step, BTC a little. */
export const CRASH_STEPS: ReadonlyArray<{ ETH: number; BTC: number }> = [
  { ETH: 2_880, BTC: 59_000 },
  { ETH: 2_760, BTC: 58_000 },
  { ETH: 2_640, BTC: 57_000 },
  { ETH: 2_520, BTC: 56_000 },
  { ETH: 2_400, BTC: 55_000 },
]

export type CrashStep = {
  step: number
  prices: { ETH: number; BTC: number }
  /** Wall-clock ms when the last price update of the step was mined on every chain. */
  minedAtMs: number
  trader: {
    equity: number
    initialMargin: number
    maintenanceMargin: number
    health: number | null
    band: string
  }
  hedger: { health: number | null; band: string }
}

export type CrashSummary = {
  liquidations: number
  /** Chains a liquidation asked for collateral that answered (SeizeCompleted). */
  crossChainSeizes: number
  attestationsPosted: number
  /** From the price update that made the trader liquidatable (mined) to the first liquidation mined. */
  firstLiquidationLatencyMs: number | null
  /** The step whose price update came last before the first liquidation (1-based). */
  firstLiquidationStep: number | null
  /** From the first crash step (mined) to the last liquidation mined. */
  crashToLastLiquidationMs: number | null
  /** USD written off as bad debt on every chain. */
  badDebt: number
  /** The hedged account was never liquidated. */
  hedgerLiquidated: boolean
  invariantsHold: boolean
  invariants: InvariantCheck[]
  steps: CrashStep[]
}

export type RunCrashScenarioParameters = {
  onLine?: ((line: string) => void) | undefined
  /** Called after each step's line (tests and chaos scenarios act here). */
  afterStep?: ((step: CrashStep, events: EventLog) => Promise<void>) | undefined
  /** How long to wait for liquidations and cross-chain seizes to settle after the last step. Default 60 s. */
  settleTimeoutMs?: number | undefined
}

/**
 * Seeds the trader, the hedger and the market maker, plays the crash step by step, waits until every
 * liquidation and cross-chain seize settled and every job ended, then checks the termination invariants.
 */
export async function runCrashScenario(
  stack: Stack,
  parameters: RunCrashScenarioParameters = {},
): Promise<CrashSummary> {
  const say = parameters.onLine ?? (() => {})
  const events = createEventLog(stack)
  const chainName = (chainId: number) =>
    stack.chains.find((chain) => chain.chainId === chainId)?.name ?? String(chainId)
  try {
    say('Seeding accounts:')
    await seedCrashScenario(stack, say)
    const before = await stack.api().health(DEMO_ACCOUNTS.trader.address)
    say(
      `Before the crash: ETH ${usd(START_PRICES.ETH)}, BTC ${usd(START_PRICES.BTC)}; trader equity ${usd(before.equity)}, ` +
        `IM ${usd(before.initialMargin)}, MM ${usd(before.maintenanceMargin)}, health ${healthFigure(before.health)} (${before.band})`,
    )

    say('Crash:')
    const steps: CrashStep[] = []
    // Events already narrated (a reorg can remove earlier ones, so positions in the log are not stable).
    const told = new Set<ObservedEvent>()
    const untold = () => {
      const fresh = events.events.filter((event) => !told.has(event))
      for (const event of fresh) told.add(event)
      return fresh
    }
    for (const [index, prices] of CRASH_STEPS.entries()) {
      const previousEquity = (await stack.api().health(DEMO_ACCOUNTS.trader.address)).equity
      const minedAtMs = await setPrices(stack, prices)
      // The relay follows the chains by events: wait until it has recomputed the trader at the new prices.
      const trader = await waitForChange(stack, previousEquity)
      const hedger = await stack.api().health(DEMO_ACCOUNTS.hedger.address)
      // Give the pipeline a moment to act on the step before narrating it.
      await events.waitFor(quietFor(events, 600), 10_000, 'the events of the step to settle').catch(() => {})
      const step: CrashStep = {
        step: index + 1,
        prices,
        minedAtMs,
        trader: {
          equity: trader.equity,
          initialMargin: trader.initialMargin,
          maintenanceMargin: trader.maintenanceMargin,
          health: trader.health,
          band: trader.band,
        },
        hedger: { health: hedger.health, band: hedger.band },
      }
      steps.push(step)
      const fresh = untold()
      say(
        `  step ${step.step}  ETH ${usd(prices.ETH)}  BTC ${usd(prices.BTC)} │ trader equity ${usd(trader.equity)} ` +
          `IM ${usd(trader.initialMargin)} MM ${usd(trader.maintenanceMargin)} health ${healthFigure(trader.health)} ` +
          `${trader.band.toUpperCase()} │ hedger health ${healthFigure(hedger.health)} │ attestations posted ` +
          `${events.named('HealthPosted').length}`,
      )
      for (const line of narrate(fresh, chainName)) say(`      ${line}`)
      await parameters.afterStep?.(step, events)
    }

    // Settled: every cross-chain seize answered, every job ended, and the trader no longer liquidatable
    // (a liquidation can leave it just below maintenance; the relay attests again and keepers go on).
    const settleTimeoutMs = parameters.settleTimeoutMs ?? 60_000
    const settleBy = Date.now() + settleTimeoutMs
    for (;;) {
      await events.waitFor(
        (all) => {
          const requested = all.filter((event) => event.eventName === 'SeizeRequested').length
          const answered = all.filter((event) => event.eventName === 'SeizeCompleted').length
          return answered >= requested
        },
        Math.max(1_000, settleBy - Date.now()),
        'every cross-chain seize to be answered',
      )
      await waitForJobsToEnd(stack, Math.max(0, settleBy - Date.now()))
      const trader = await stack.api().health(DEMO_ACCOUNTS.trader.address)
      if (trader.band !== 'liquidatable' || Date.now() > settleBy) break
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const tail = untold()
    for (const line of narrate(tail, chainName)) say(`      ${line}`)

    const liquidated = events.named('Liquidated')
    const firstLiquidatable = steps.find((step) => step.trader.health !== null && step.trader.health < 1)
    const firstLiquidation = liquidated[0]
    const lastLiquidation = liquidated[liquidated.length - 1]
    // The step that made the trader liquidatable is the last one mined before its first liquidation.
    const trigger = firstLiquidation
      ? [...steps].reverse().find((step) => step.minedAtMs <= firstLiquidation.observedAtMs)
      : firstLiquidatable
    const report = await waitForInvariants(stack)
    const summary: CrashSummary = {
      liquidations: liquidated.length,
      crossChainSeizes: events
        .named('SeizeCompleted')
        .filter((event) => (event.args.seizedUsd as bigint) > 0n).length,
      attestationsPosted: events.named('HealthPosted').length,
      firstLiquidationLatencyMs:
        firstLiquidation && trigger ? firstLiquidation.observedAtMs - trigger.minedAtMs : null,
      firstLiquidationStep: firstLiquidation && trigger ? trigger.step : null,
      crashToLastLiquidationMs:
        lastLiquidation && steps[0] ? lastLiquidation.observedAtMs - steps[0].minedAtMs : null,
      badDebt: report.badDebtUsd,
      hedgerLiquidated: liquidated.some((event) => event.args.account === DEMO_ACCOUNTS.hedger.address),
      invariantsHold:
        report.holds && !liquidated.some((event) => event.args.account === DEMO_ACCOUNTS.hedger.address),
      invariants: report.checks,
      steps,
    }
    say(
      `Result: ${summary.liquidations} liquidation${summary.liquidations === 1 ? '' : 's'} ` +
        `(${[...new Set(liquidated.map((event) => chainName(event.chainId)))].join(', ') || 'none'}), ` +
        `${summary.crossChainSeizes} cross-chain seize${summary.crossChainSeizes === 1 ? '' : 's'}, ` +
        `${summary.attestationsPosted} attestations posted, bad debt ${usd(summary.badDebt)}, hedger ` +
        `${summary.hedgerLiquidated ? 'LIQUIDATED' : 'never liquidated'}`,
    )
    if (summary.firstLiquidationLatencyMs !== null && summary.crashToLastLiquidationMs !== null)
      say(
        `  price update → first liquidation mined: ${duration(summary.firstLiquidationLatencyMs)}; ` +
          `crash → last liquidation: ${duration(summary.crashToLastLiquidationMs)}`,
      )
    for (const check of report.checks)
      say(`  ${check.holds ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`)
    return summary
  } finally {
    await events.stop()
  }
}

/** One human line per event worth telling. */
function narrate(events: readonly ObservedEvent[], chainName: (chainId: number) => string): string[] {
  const lines: string[] = []
  for (const event of events) {
    const on = chainName(event.chainId)
    const args = event.args
    switch (event.eventName) {
      case 'Liquidated':
        lines.push(
          `liquidation on ${on}: tx ${short(event.transactionHash)} sequence ${args.sequence}, penalty ` +
            `${usd(Number(args.penaltyUsd) / 1e18)}, keeper reward ${usd(Number(args.rewardUsd) / 1e18)}`,
        )
        break
      case 'SeizeRequested':
        lines.push(
          `  ${on} asks eid ${args.dstEid} to seize up to ${usd(Number(args.maxUsd) / 1e18)} (LayerZero, tx ${short(event.transactionHash)})`,
        )
        break
      case 'SeizeExecuted':
        lines.push(
          `  ${on} seized ${usd(Number(args.seizedUsd) / 1e18)} for eid ${args.srcEid} (tx ${short(event.transactionHash)})`,
        )
        break
      case 'SeizeCompleted':
        lines.push(
          `  ${on} received the seize result from eid ${args.srcEid}: ${usd(Number(args.seizedUsd) / 1e18)}`,
        )
        break
      case 'BadDebtRecorded':
        lines.push(`  bad debt on ${on}: ${usd(Number(args.usd) / 1e18)}`)
        break
    }
  }
  return lines
}

/** A predicate that holds once no new event arrived for `ms`. */
function quietFor(events: EventLog, ms: number): () => boolean {
  let count = -1
  let since = Date.now()
  return () => {
    if (events.events.length !== count) {
      count = events.events.length
      since = Date.now()
    }
    return Date.now() - since >= ms
  }
}

async function waitForChange(stack: Stack, previousEquity: number) {
  const deadline = Date.now() + 15_000
  for (;;) {
    const health = await stack.api().health(DEMO_ACCOUNTS.trader.address)
    if (health.equity !== previousEquity || Date.now() > deadline) return health
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function waitForJobsToEnd(stack: Stack, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const jobs = await checkJobsEnded(stack)
    if (jobs.holds || Date.now() > deadline) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
