// The crash again, with a relay node and a keeper SIGKILLed in the middle of it (the relay node holding the
// leader lease, while the trader is being liquidated), both restarted two steps later as a supervisor
// would. The outcome must not change: the trader is liquidated where the risk is, collateral is seized
// across chains, the hedger is untouched, nothing is lost or done twice.
import { liquidatorAbi } from '@xmargin/contracts'
import { type CrashSummary, DEMO_ACCOUNTS, runCrashScenario } from '@xmargin/demo'
import { getAddress } from 'viem'
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest'
import { SCENARIO_TIMEOUT_MS, STACK_TIMEOUT_MS, startE2eStack } from './stack.js'

let run: Awaited<ReturnType<typeof startE2eStack>>
let summary: CrashSummary
const killed: { relay?: number; relayPid?: number; keeperPid?: number; restarted: boolean } = {
  restarted: false,
}
let failed = false

beforeAll(async () => {
  run = await startE2eStack('chaos')
  const { stack } = run
  summary = await runCrashScenario(stack, {
    onLine: (line) => run.lines.push(line),
    afterStep: async (step) => {
      if (step.step === 3) {
        // The step that makes the trader liquidatable: kill the leader and a keeper while they act on it.
        const leader = (await stack.leader()) ?? 0
        killed.relay = leader
        killed.relayPid = stack.relays[leader]!.pid
        killed.keeperPid = stack.keepers[0]!.pid
        await Promise.all([stack.relays[leader]!.kill(), stack.keepers[0]!.kill()])
        run.lines.push(`  (killed relay-${leader} and keeper-0 with SIGKILL)`)
      }
      if (step.step === 5 && killed.relay !== undefined) {
        await Promise.all([stack.restartRelay(killed.relay), stack.restartKeeper(0)])
        killed.restarted = true
        run.lines.push(`  (restarted relay-${killed.relay} and keeper-0)`)
      }
    },
  })
}, STACK_TIMEOUT_MS + SCENARIO_TIMEOUT_MS)

afterAll(async () => {
  await run?.stop(failed)
})

test('behavior: a relay node and a keeper killed mid-crash leave the outcome unchanged', async () => {
  onTestFailed(() => {
    failed = true
  })
  const { stack } = run
  // They were really killed and really replaced by new processes.
  expect(killed.restarted).toBe(true)
  expect(stack.relays[killed.relay!]!.pid).not.toBe(killed.relayPid)
  expect(stack.keepers[0]!.pid).not.toBe(killed.keeperPid)

  // The same outcome as without the kills.
  const liquidated = await Promise.all(
    stack.chains.map((chain) =>
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
  for (const event of liquidated.flat())
    expect(getAddress(event.args.account!)).toBe(DEMO_ACCOUNTS.trader.address)
  expect(summary.crossChainSeizes).toBeGreaterThanOrEqual(1)
  expect(summary.hedgerLiquidated).toBe(false)
  expect(summary.badDebt).toBe(0)
  const final = await stack.api().health(DEMO_ACCOUNTS.trader.address)
  expect(final.band).not.toBe('liquidatable')
})

test('behavior: after the kills every job ended, no attestation was used twice, no nonce is missing', () => {
  onTestFailed(() => {
    failed = true
  })
  for (const check of summary.invariants) expect(check.holds, `${check.name}: ${check.detail}`).toBe(true)
  expect(summary.invariants.length).toBe(4 + run.stack.chains.length)
})
