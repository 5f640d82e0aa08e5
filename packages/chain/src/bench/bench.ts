/*
 * Snapshot benchmark: 10 000 accounts on 3 anvil chains with xmargin deployed, every account holding cash on
 * every chain and WETH on the first, a few hundred holding perps (second chain) and options (third).
 * Measures one `readSnapshot` (pin every chain, read markets, read every account's balances and positions)
 * and counts its JSON-RPC requests. Seeding uses real transactions (Multicall3-batched deposits, venue
 * trades with signed permits) and is not timed.
 *
 * One untimed snapshot warms the nodes and the JIT; then RUNS timed snapshots, each with fresh clients, and
 * the fastest is reported (all are listed in `runsMs`, with the machine's load average: on a shared 2-core
 * machine other processes change the figure by a factor of two).
 *
 * Batch size: accounts per `aggregate3` = ⌊1024 calls / (assets + instruments)⌋ = ⌊1024 / 7⌋ = 146 here, so
 * the account reads take 3 × ⌈10 000 / 146⌉ = 207 requests (see MAX_MULTICALL_CALLS for why 1024).
 *
 * Run: npm run bench -w @xmargin/chain. Env: XMARGIN_BENCH_ACCOUNTS (10 000), XMARGIN_BENCH_TRADERS (200),
 * XMARGIN_BENCH_RUNS (5), XMARGIN_BENCH_CONCURRENCY (batches in flight per chain, default 8).
 * Last line: one JSON object.
 */
import { loadavg } from 'node:os'
import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { type Address, getAddress, keccak256, numberToHex } from 'viem'
import { createChainClients } from '../clients/createChainClients.js'
import { accountsPerBatch } from '../snapshot/readAccounts.js'
import { readSnapshot } from '../snapshot/readSnapshot.js'
import { seedDeposits } from '../testing/seedDeposits.js'
import { settleTrade } from '../testing/settleTrade.js'
import { setupXmarginDevnet } from '../testing/setupXmarginDevnet.js'

const ACCOUNTS = Number(process.env.XMARGIN_BENCH_ACCOUNTS ?? 10_000)
const TRADERS = Number(process.env.XMARGIN_BENCH_TRADERS ?? 200)
const RUNS = Number(process.env.XMARGIN_BENCH_RUNS ?? 5)
const CONCURRENCY = process.env.XMARGIN_BENCH_CONCURRENCY
  ? Number(process.env.XMARGIN_BENCH_CONCURRENCY)
  : undefined
const WAD = 10n ** 18n
const MULTICALL3: Address = '0xcA11bde05977b3631167028862bE2a173976CA11'

const log = (line: string) => process.stdout.write(`${line}\n`)

async function main() {
  const started = performance.now()
  const devnet = await setupXmarginDevnet({ onProgress: (line) => log(`devnet: ${line}`) })
  try {
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) =>
      getAddress(`0x${keccak256(numberToHex(i + 1, { size: 32 })).slice(26)}`),
    )
    const [a, b, c] = devnet.chains as [
      (typeof devnet.chains)[0],
      (typeof devnet.chains)[0],
      (typeof devnet.chains)[0],
    ]
    const maker = ANVIL_ACCOUNTS[3]!.address
    log(`seeding ${ACCOUNTS} accounts on ${devnet.chains.length} chains`)
    await Promise.all([
      ...devnet.chains.map((chain) =>
        seedDeposits({
          wallet: chain.admin,
          publicClient: chain.publicClient,
          multicall3: MULTICALL3,
          vault: chain.xmargin.contracts.collateralVault,
          token: chain.xmargin.tokens.USDC.address,
          deposits: [
            { account: maker, amount: 100_000_000n * 10n ** 6n },
            ...accounts.map((account, i) => ({ account, amount: BigInt(1_000 + i) * 10n ** 6n })),
          ],
          onProgress: (done, total) => {
            if (done % 2_500 < 250 || done === total)
              log(`  chain ${chain.chainId}: USDC deposits ${done}/${total}`)
          },
        }),
      ),
    ])
    await seedDeposits({
      wallet: a.admin,
      publicClient: a.publicClient,
      multicall3: MULTICALL3,
      vault: a.xmargin.contracts.collateralVault,
      token: a.xmargin.tokens.WETH.address,
      deposits: accounts.map((account) => ({ account, amount: 2n * WAD })),
      onProgress: (done, total) => {
        if (done % 2_500 < 250 || done === total) log(`  chain ${a.chainId}: WETH deposits ${done}/${total}`)
      },
    })
    const traders = accounts.slice(0, TRADERS)
    const trade = (chain: typeof a, instrumentId: number, buyer: Address, size: bigint, price: bigint) =>
      settleTrade({
        venue: chain.venue,
        publicClient: chain.publicClient,
        positionBook: chain.xmargin.contracts.positionBook,
        riskGuard: chain.xmargin.contracts.riskGuard,
        signers: devnet.signers.slice(0, 2),
        instrumentId,
        buyer,
        seller: maker,
        size,
        price,
      })
    await Promise.all([
      (async () => {
        for (const [i, trader] of traders.entries()) {
          await trade(b, b.xmargin.instruments.ethPerp, trader, WAD, 3_000n * WAD)
          if ((i + 1) % 100 === 0) log(`  chain ${b.chainId}: perp trades ${i + 1}/${traders.length}`)
        }
      })(),
      (async () => {
        for (const [i, trader] of traders.entries()) {
          await trade(c, c.xmargin.instruments.ethCall, trader, WAD, 150n * WAD)
          if ((i + 1) % 100 === 0) log(`  chain ${c.chainId}: option trades ${i + 1}/${traders.length}`)
        }
      })(),
    ])
    log(`seeded in ${((performance.now() - started) / 1_000).toFixed(1)} s`)

    const warmup = createChainClients({ deployment: devnet.deployment })
    await readSnapshot(warmup, { accounts, concurrency: CONCURRENCY }).finally(() => warmup.close())
    const runs: Array<{ wallMs: number; rpcRequests: number; accountRequests: number }> = []
    let batchSize = 0
    let holdingsChecked = 0
    for (let run = 0; run < RUNS; run++) {
      const clients = createChainClients({ deployment: devnet.deployment })
      try {
        const t0 = performance.now()
        const snapshot = await readSnapshot(clients, { accounts, concurrency: CONCURRENCY })
        const wallMs = performance.now() - t0
        runs.push({
          wallMs,
          rpcRequests: clients.requestCount(),
          accountRequests: snapshot.requests.accounts,
        })
        batchSize = snapshot.chains[a.chainId]!.batchSize
        holdingsChecked = Object.values(snapshot.chains).reduce(
          (sum, chain) =>
            sum + [...chain.holdings.values()].filter((holdings) => holdings.balances.size > 0).length,
          0,
        )
        const perps = [...snapshot.chains[b.chainId]!.holdings.values()].filter(
          (h) => h.positions.size > 0,
        ).length
        log(
          `run ${run + 1}: ${wallMs.toFixed(0)} ms, ${clients.requestCount()} requests (${snapshot.requests.accounts} for accounts), ` +
            `${holdingsChecked} account-chains with balances, ${perps} perp holders on ${b.chainId}`,
        )
      } finally {
        clients.close()
      }
    }
    const best = runs.reduce((min, run) => (run.wallMs < min.wallMs ? run : min))
    const market = devnet.chains.length
    const callsPerAccount = 3 + 4
    const bound = devnet.chains.length * Math.ceil(ACCOUNTS / batchSize)
    log(
      `batch size ${batchSize} accounts per aggregate3 (${callsPerAccount} calls each: 3 balances + 4 positions); ` +
        `account requests ${best.accountRequests} <= 3 x ceil(${ACCOUNTS} / ${batchSize}) = ${bound}: ${best.accountRequests <= bound}`,
    )
    log(
      JSON.stringify({
        accounts: ACCOUNTS,
        chains: market,
        wallMs: Math.round(best.wallMs),
        rpcRequests: best.rpcRequests,
        accountRequests: best.accountRequests,
        batchSize,
        callsPerAccount,
        accountRequestBound: bound,
        runsMs: runs.map((run) => Math.round(run.wallMs)),
        medianMs: Math.round(
          [...runs].sort((x, y) => x.wallMs - y.wallMs)[Math.floor(runs.length / 2)]!.wallMs,
        ),
        loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
        expectedBatchSize: accountsPerBatch(3, 4),
      }),
    )
  } finally {
    await devnet.cleanup()
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  },
)
