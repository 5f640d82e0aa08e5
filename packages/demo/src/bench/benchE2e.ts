// Benchmark: the latency from the oracle update that makes the trader liquidatable (mined on every chain)
// to its first liquidation mined, over BENCH_E2E_RUNS (default 20) runs of the devnet crash scenario, each
// on a fresh stack (three anvil chains, three relay nodes with threshold two, two keepers, one Redis).
//
//   npm run bench:e2e
//
// Prints one progress line per run, then one JSON line: runs, p50Ms, p99Ms (nearest rank), min, max,
// mean, the crash-to-last-liquidation p50, and how many runs failed to liquidate (those count as failures,
// not as latencies).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCrashScenario } from '../scenario/runCrashScenario.js'
import { startStack } from '../stack/startStack.js'

const RUNS = Number(process.env.BENCH_E2E_RUNS ?? 20)
if (!Number.isInteger(RUNS) || RUNS < 1)
  throw new Error(`BENCH_E2E_RUNS must be a positive integer, got ${RUNS}`)

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

const latencies: number[] = []
const crashToLast: number[] = []
let failures = 0
const started = performance.now()
for (let run = 1; run <= RUNS; run++) {
  const dir = await mkdtemp(join(tmpdir(), 'xmargin-bench-e2e-'))
  const stack = await startStack({ dir, redisUrl: process.env.REDIS_URL })
  let ok = false
  try {
    const summary = await runCrashScenario(stack).catch((error: unknown) => {
      console.log(`run ${run}/${RUNS}: the scenario failed: ${(error as Error).message}`)
      return undefined
    })
    if (!summary) {
      failures++
      continue
    }
    if (summary.firstLiquidationLatencyMs !== null && summary.invariantsHold) {
      latencies.push(summary.firstLiquidationLatencyMs)
      if (summary.crashToLastLiquidationMs !== null) crashToLast.push(summary.crashToLastLiquidationMs)
      ok = true
    } else failures++
    console.log(
      `run ${run}/${RUNS}: price update → first liquidation ${summary.firstLiquidationLatencyMs ?? '-'} ms, ` +
        `crash → last liquidation ${summary.crashToLastLiquidationMs ?? '-'} ms, ${summary.liquidations} ` +
        `liquidations, ${summary.crossChainSeizes} cross-chain seizes, invariants ${summary.invariantsHold ? 'hold' : 'FAIL'}` +
        ` (${((performance.now() - started) / 1_000).toFixed(0)} s elapsed)`,
    )
  } finally {
    await stack.stop()
    await rm(dir, { recursive: true, force: true })
    if (!ok) console.log(`  run ${run} kept no latency`)
  }
}

const sorted = [...latencies].sort((a, b) => a - b)
const sortedLast = [...crashToLast].sort((a, b) => a - b)
const result = {
  runs: RUNS,
  measured: sorted.length,
  failures,
  p50Ms: sorted.length ? percentile(sorted, 50) : null,
  p99Ms: sorted.length ? percentile(sorted, 99) : null,
  minMs: sorted[0] ?? null,
  maxMs: sorted[sorted.length - 1] ?? null,
  meanMs: sorted.length ? Math.round(sorted.reduce((sum, x) => sum + x, 0) / sorted.length) : null,
  crashToLastP50Ms: sortedLast.length ? percentile(sortedLast, 50) : null,
  targetP50Ms: 500,
}
console.log(JSON.stringify(result))
process.exit(failures > 0 ? 1 : 0)
