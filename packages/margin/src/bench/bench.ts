/*
 * `npm run bench -w @xmargin/margin`: how fast the margin engine is on this machine, in one process on
 * one core. Prints human lines as it goes and, last, one JSON line with the figures.
 *
 *   b76EvalsPerSec             raw black76Price calls per second (inputs vary, results summed)
 *   w1PortfoliosPerSec         W1 accounts (1 unit, 1 expiry, 4 options, 1 perpetual) per second, risk arrays
 *   w2PortfoliosPerSec         W2 accounts (2 units × 3 expiries × 8 options + 1 perpetual per unit), risk arrays
 *   w1/w2DirectPortfoliosPerSec  the same by direct revaluation (computeMargin)
 *   recompute100kRiskArraysMs  build the risk arrays of the 200-series market, then margin 100 000 W2 accounts
 *   recompute100kDirectMs      margin the same 100 000 accounts by direct revaluation
 *   riskArraySpeedup           recompute100kDirectMs / recompute100kRiskArraysMs
 *
 * Accounts are drawn from a seeded generator, so every run measures the same work. Every timed loop
 * is warmed up first and its results are folded into a checksum so that nothing can be optimised away.
 */
import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { MarginInput, OptionPosition, PerpPosition, RiskUnitInput } from '../input/marginInputSchema.js'
import { black76Price } from '../pricing/black76Price.js'
import { buildRiskArrays } from '../riskArrays/buildRiskArrays.js'
import { marginFromRiskArrays } from '../riskArrays/marginFromRiskArrays.js'
import type { MarketState, MarketUnit, RiskArrayAccount } from '../riskArrays/riskArrayTypes.js'
import { computeMargin } from '../xpm1/computeMargin.js'

const AS_OF = 1_767_225_600
const DAY_S = 86_400
const RECOMPUTE_ACCOUNTS = 100_000

let checksum = 0

/** mulberry32: a small seeded PRNG, so the workload is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function log(line: string): void {
  process.stdout.write(`${line}\n`)
}

/** Runs `body` until at least `minMs` have passed, returns operations per second. */
function rate(body: () => number, minMs: number): number {
  let ops = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < minMs) {
    ops += body()
    elapsed = performance.now() - start
  }
  return (ops / elapsed) * 1000
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

// ---------------------------------------------------------------------------------------------------
// 1. Raw Black-76

function benchBlack76(): number {
  const n = 1 << 16
  const next = random(1)
  const forward = new Float64Array(n)
  const strike = new Float64Array(n)
  const time = new Float64Array(n)
  const vol = new Float64Array(n)
  const discount = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    forward[i] = 3500 * (0.5 + next())
    strike[i] = 3500 * (0.6 + 0.8 * next())
    time[i] = (1 + 364 * next()) / 365
    vol[i] = 0.2 + next()
    discount[i] = Math.exp(-0.05 * time[i]!)
  }
  const pass = () => {
    let sum = 0
    for (let i = 0; i < n; i++) {
      sum += black76Price(forward[i]!, strike[i]!, time[i]!, vol[i]!, discount[i]!, (i & 1) === 0)
    }
    checksum += sum
    return n
  }
  rate(pass, 300)
  const runs: number[] = []
  for (let r = 0; r < 5; r++) runs.push(rate(pass, 400))
  return median(runs)
}

// ---------------------------------------------------------------------------------------------------
// 2. A market of 200 option series: BTC and ETH, expiries at 7, 30 and 90 days, 17/17/16 strikes
// per expiry, calls and puts (34 + 34 + 32 = 100 series per underlying).

type BenchMarket = { market: MarketState; byExpiry: { series: number[] }[][] }

function buildMarket(): BenchMarket {
  const next = random(2)
  const units: MarketUnit[] = []
  const byExpiry: { series: number[] }[][] = []
  for (const [underlying, spot] of [
    ['BTC', 100_000],
    ['ETH', 3500],
  ] as const) {
    const expiries = [7, 30, 90].map((days) => {
      const T = (days * DAY_S) / 31_536_000
      return {
        expiry: AS_OF + days * DAY_S,
        forward: spot * (1 + 0.03 * T),
        rate: 0.05,
        discount: Math.exp(-0.05 * T),
      }
    })
    const series: MarketUnit['series'][number][] = []
    const unitByExpiry: { series: number[] }[] = []
    for (const [e, expiry] of expiries.entries()) {
      const strikes = e === 2 ? 16 : 17
      const indices: number[] = []
      for (let k = 0; k < strikes; k++) {
        const strike = Math.round(spot * (0.6 + (0.8 * k) / (strikes - 1)))
        for (const isCall of [true, false]) {
          indices.push(series.length)
          series.push({ expiry: expiry.expiry, strike, isCall, vol: 0.45 + 0.3 * next() })
        }
      }
      unitByExpiry.push({ series: indices })
    }
    units.push({ underlying, spot, expiries, series })
    byExpiry.push(unitByExpiry)
  }
  return { market: { asOf: AS_OF, units }, byExpiry }
}

type BenchAccount = { direct: MarginInput; fast: RiskArrayAccount }

/**
 * An account with `unitCount` units, `expiryCount` expiries per unit and `optionsPerExpiry` distinct
 * series per expiry, and one perpetual per unit; in both the direct and the risk-array form.
 */
function makeAccount(
  { market, byExpiry }: BenchMarket,
  next: () => number,
  unitCount: number,
  expiryCount: number,
  optionsPerExpiry: number,
): BenchAccount {
  const directUnits: RiskUnitInput[] = []
  const fastUnits: RiskArrayAccount['units'][number][] = []
  for (let u = 0; u < unitCount; u++) {
    const unit = market.units[u]!
    const options: OptionPosition[] = []
    const optionSeries = new Int32Array(expiryCount * optionsPerExpiry)
    const optionAmounts = new Float64Array(expiryCount * optionsPerExpiry)
    for (let e = 0; e < expiryCount; e++) {
      const pool = [...byExpiry[u]![e]!.series]
      for (let k = 0; k < optionsPerExpiry; k++) {
        const index = pool.splice(Math.floor(next() * pool.length), 1)[0]!
        const series = unit.series[index]!
        const amount = Math.round((next() * 20 - 10) * 10) / 10
        options.push({
          expiry: series.expiry,
          strike: series.strike,
          isCall: series.isCall,
          amount,
          vol: series.vol,
        })
        optionSeries[options.length - 1] = index
        optionAmounts[options.length - 1] = amount
      }
    }
    const perps: PerpPosition[] = [
      {
        size: Math.round((next() * 10 - 5) * 10) / 10,
        markPrice: unit.spot * (0.999 + 0.002 * next()),
        unrealisedPnl: Math.round(next() * 2000 - 1000),
      },
    ]
    directUnits.push({
      underlying: unit.underlying,
      spot: unit.spot,
      expiries: unit.expiries.slice(0, expiryCount),
      options,
      perps,
    })
    fastUnits.push({ underlying: unit.underlying, optionSeries, optionAmounts, perps })
  }
  const cash = Math.round(next() * 200_000)
  return {
    direct: { asOf: AS_OF, cash, collateral: [], units: directUnits },
    fast: { cash, collateral: [], units: fastUnits },
  }
}

function makeAccounts(market: BenchMarket, seed: number, count: number, shape: [number, number, number]) {
  const next = random(seed)
  const accounts: BenchAccount[] = []
  for (let i = 0; i < count; i++) accounts.push(makeAccount(market, next, ...shape))
  return accounts
}

function portfoliosPerSecond(accounts: BenchAccount[], evaluate: (account: BenchAccount) => number): number {
  let cursor = 0
  const batch = () => {
    const size = 256
    for (let i = 0; i < size; i++) {
      checksum += evaluate(accounts[cursor]!)
      cursor = cursor + 1 === accounts.length ? 0 : cursor + 1
    }
    return size
  }
  rate(batch, 300)
  const runs: number[] = []
  for (let r = 0; r < 3; r++) runs.push(rate(batch, 700))
  return median(runs)
}

// ---------------------------------------------------------------------------------------------------

function main(): void {
  log(`xmargin margin benchmark: node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, one core`)

  log('1/5 raw Black-76 evaluations...')
  const b76EvalsPerSec = benchBlack76()
  log(`    ${(b76EvalsPerSec / 1e6).toFixed(2)} million evaluations/s`)

  const market = buildMarket()
  const seriesCount = market.market.units.reduce((n, unit) => n + unit.series.length, 0)
  const arrays = buildRiskArrays(market.market)
  const fast = (account: BenchAccount) => marginFromRiskArrays(arrays, account.fast).initialMargin
  const direct = (account: BenchAccount) => computeMargin(account.direct).initialMargin

  log(`2/5 W1 portfolios (1 unit, 1 expiry, 4 options, 1 perpetual) over ${seriesCount} series...`)
  const w1 = makeAccounts(market, 3, 10_000, [1, 1, 4])
  const w1PortfoliosPerSec = portfoliosPerSecond(w1, fast)
  const w1DirectPortfoliosPerSec = portfoliosPerSecond(w1, direct)
  log(
    `    risk arrays ${Math.round(w1PortfoliosPerSec).toLocaleString('en')}/s, direct ${Math.round(w1DirectPortfoliosPerSec).toLocaleString('en')}/s`,
  )

  log('3/5 W2 portfolios (2 units × 3 expiries × 8 options, 1 perpetual per unit)...')
  const w2 = makeAccounts(market, 4, 10_000, [2, 3, 8])
  const w2PortfoliosPerSec = portfoliosPerSecond(w2, fast)
  const w2DirectPortfoliosPerSec = portfoliosPerSecond(w2, direct)
  log(
    `    risk arrays ${Math.round(w2PortfoliosPerSec).toLocaleString('en')}/s, direct ${Math.round(w2DirectPortfoliosPerSec).toLocaleString('en')}/s`,
  )

  log(`4/5 full recompute of ${RECOMPUTE_ACCOUNTS.toLocaleString('en')} W2 accounts with risk arrays...`)
  const accounts = makeAccounts(market, 5, RECOMPUTE_ACCOUNTS, [2, 3, 8])
  // warm-up on other accounts of the same shape
  for (const account of w2.slice(0, 2000)) checksum += fast(account) + direct(account)
  const recomputeRiskArrays = () => {
    const start = performance.now()
    const tickArrays = buildRiskArrays(market.market)
    const built = performance.now()
    let sum = 0
    for (const account of accounts) sum += marginFromRiskArrays(tickArrays, account.fast).maintenanceMargin
    checksum += sum
    const end = performance.now()
    return { total: end - start, build: built - start, sum }
  }
  const riskArrayRuns = [recomputeRiskArrays(), recomputeRiskArrays(), recomputeRiskArrays()]
  const riskArrayRun = riskArrayRuns.sort((a, b) => a.total - b.total)[1]!
  const recompute100kRiskArraysMs = riskArrayRun.total
  log(
    `    ${recompute100kRiskArraysMs.toFixed(1)} ms (median of 3; building the arrays of ${seriesCount} series: ${riskArrayRun.build.toFixed(2)} ms)`,
  )

  log(
    `5/5 full recompute of the same ${RECOMPUTE_ACCOUNTS.toLocaleString('en')} accounts by direct revaluation...`,
  )
  const start = performance.now()
  let directSum = 0
  for (const [i, account] of accounts.entries()) {
    directSum += computeMargin(account.direct).maintenanceMargin
    if ((i + 1) % 25_000 === 0)
      log(
        `    ${(i + 1).toLocaleString('en')} accounts, ${((performance.now() - start) / 1000).toFixed(1)} s`,
      )
  }
  const recompute100kDirectMs = performance.now() - start
  checksum += directSum
  const agreement = Math.abs(directSum - riskArrayRun.sum) / Math.abs(directSum)
  log(
    `    ${recompute100kDirectMs.toFixed(0)} ms; Σ MM agrees with risk arrays to ${agreement.toExponential(1)} relative`,
  )

  const riskArraySpeedup = recompute100kDirectMs / recompute100kRiskArraysMs
  log(
    `risk arrays are ${riskArraySpeedup.toFixed(1)}× faster than direct revaluation (checksum ${checksum.toExponential(3)})`,
  )
  log(
    JSON.stringify({
      b76EvalsPerSec: Math.round(b76EvalsPerSec),
      w1PortfoliosPerSec: Math.round(w1PortfoliosPerSec),
      w2PortfoliosPerSec: Math.round(w2PortfoliosPerSec),
      w1DirectPortfoliosPerSec: Math.round(w1DirectPortfoliosPerSec),
      w2DirectPortfoliosPerSec: Math.round(w2DirectPortfoliosPerSec),
      recompute100kRiskArraysMs: Math.round(recompute100kRiskArraysMs * 10) / 10,
      riskArrayBuildMs: Math.round(riskArrayRun.build * 100) / 100,
      recompute100kDirectMs: Math.round(recompute100kDirectMs),
      riskArraySpeedup: Math.round(riskArraySpeedup * 10) / 10,
      marketSeries: seriesCount,
      node: process.version,
    }),
  )
}

main()
