// Benchmark: liquidations per second on one anvil chain through the keeper itself (BullMQ worker, the
// liquidate handler with its reads, simulation and profit check, the transaction engine), with nonce
// pipelining (many jobs in flight on one signer, consecutive nonces) versus one at a time (a worker with
// concurrency 1: each job waits for its receipt before the next starts). Same process, chain, signer,
// handler and policy for both.
//
//   npm run bench -w keeper
//
// The chain mines a block every BENCH_BLOCK_TIME_S seconds (default 1, a fast L2; Ethereum is 12): that is
// what a receipt costs on a real chain and what one-at-a-time pays per liquidation. A liquidation uses about
// 560 000 gas, so a 30 M gas block holds ~50: the chain runs with a BENCH_GAS_LIMIT (default 1 000 000 000)
// block gas limit to measure the keeper rather than the block. Seeding (deposits, trades) runs in automine
// before the measurement.
//
// Environment: BENCH_N (pipelined liquidations, default 500), BENCH_SEQUENTIAL_N (default 10),
// BENCH_CONCURRENCY (jobs in flight, default 500: all of them), BENCH_BLOCK_TIME_S, BENCH_GAS_LIMIT,
// BENCH_SENDS_PER_SECOND (the keeper's liquidation.sendsPerSecond, default 0 = unpaced),
// BENCH_RPC_CONCURRENCY (requests in flight to the node, default 64), REDIS_URL.
// Prints progress lines and the CPU both processes used (the machine's cores are shared by the keeper and
// anvil), then one JSON line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { packSignatures, signXmargin, xmarginDomain } from '@xmargin/attestation'
import { seedDeposits, settleTrade } from '@xmargin/chain/testing'
import { deployXmargin, liquidatorAbi, mockAggregatorAbi } from '@xmargin/contracts'
import { ANVIL_ACCOUNTS, startDevnet } from '@xmargin/devnet'
import { createJobQueue, type JobData } from '@xmargin/queue'
import { Redis } from 'ioredis'
import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  keccak256,
  stringToHex,
} from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { keeperSettingsSchema } from '../config/keeperSettings.js'
import { checkKeeperSettings } from '../config/loadKeeperSettings.js'
import { createKeeper } from '../service.js'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const N = env('BENCH_N', 500)
const SEQUENTIAL_N = env('BENCH_SEQUENTIAL_N', 10)
const CONCURRENCY = env('BENCH_CONCURRENCY', 500)
const BLOCK_TIME_S = env('BENCH_BLOCK_TIME_S', 1)
const SENDS_PER_SECOND = env('BENCH_SENDS_PER_SECOND', 0)
const RPC_CONCURRENCY = env('BENCH_RPC_CONCURRENCY', 64)
const GAS_LIMIT = BigInt(process.env.BENCH_GAS_LIMIT ?? 1_000_000_000)
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const CHAIN_ID = 31_500
const WAD = 10n ** 18n
const log = (line: string) => console.log(line)

const relaySigners = [5, 6].map((i) => privateKeyToAccount(ANVIL_ACCOUNTS[i]!.privateKey))
const admin = privateKeyToAccount(ANVIL_ACCOUNTS[0]!.privateKey)
const venue = privateKeyToAccount(ANVIL_ACCOUNTS[4]!.privateKey)
const keeperKey = ANVIL_ACCOUNTS[2]!.privateKey
const dir = mkdtempSync(join(tmpdir(), 'xmargin-keeper-bench-'))
const prefix = `xmargin-keeper-bench-${Date.now()}`
const redis = new Redis(REDIS_URL)

const devnet = await startDevnet({
  chains: [{ chainId: CHAIN_ID, name: 'bench', lzEid: 40_500 }],
  deploymentPath: join(dir, 'deployment.json'),
  gasLimit: GAS_LIMIT,
  setup: ({ deployment }) =>
    deployXmargin({
      chains: deployment.chains.map((chain) => ({
        chainId: chain.chainId,
        rpcUrl: chain.rpcUrls[0]!,
        lzEid: chain.lzEid,
        name: chain.name,
        multicall3: chain.contracts.multicall3,
      })),
      deployerKey: ANVIL_ACCOUNTS[0]!.privateKey,
      signers: { addresses: [5, 6, 7].map((i) => ANVIL_ACCOUNTS[i]!.address), threshold: 2 },
      venueAddress: venue.address,
      backstopAddress: ANVIL_ACCOUNTS[9]!.address,
      maxAttestationAgeS: 3_600,
    }),
})
let result: Record<string, number> | undefined
try {
  const config = devnet.deployment.chains[0]!
  const rpcUrl = config.rpcUrls[0]!
  const chain = defineChain({
    id: CHAIN_ID,
    name: 'bench',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    contracts: { multicall3: { address: config.contracts.multicall3 } },
  })
  const transport = http(rpcUrl)
  const publicClient = createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: 50 })
  const adminWallet = createWalletClient({ chain, account: admin, transport })
  const venueWallet = createWalletClient({ chain, account: venue, transport })
  const test = createTestClient({ chain, mode: 'anvil', transport })
  const contract = (name: string) => getAddress(config.contracts[name]!)
  const ethPerp = config.instruments!.find((i) => i.kind === 'perp' && i.underlying === 'ETH')!.id

  // Seed: N + SEQUENTIAL_N accounts, each $1 000 USDC and a 1 ETH long at 3 000; ETH falls to 2 500.
  const newAddress = () => privateKeyToAccount(generatePrivateKey()).address
  const accounts = Array.from({ length: N + SEQUENTIAL_N }, newAddress)
  // One counterparty per 200 accounts takes the other side of their trades.
  const counterparties = Array.from({ length: Math.ceil(accounts.length / 200) }, newAddress)
  const counterpartyOf = (i: number) => counterparties[Math.floor(i / 200)]!
  const started = performance.now()
  await seedDeposits({
    wallet: adminWallet,
    publicClient,
    multicall3: getAddress(config.contracts.multicall3),
    vault: contract('collateralVault'),
    token: getAddress(config.tokens.USDC!.address),
    deposits: [
      ...accounts.map((account) => ({ account, amount: 1_000n * 10n ** 6n })),
      ...counterparties.map((account) => ({ account, amount: 200n * 10_000n * 10n ** 6n })),
    ],
  })
  // Each trade is awaited: sent back to back without waiting, a few hundred in, settleTrade's gas estimate
  // panics with an arithmetic underflow on anvil (reported to the contracts and chain engineers).
  for (const [i, account] of accounts.entries())
    await settleTrade({
      venue: venueWallet,
      publicClient,
      positionBook: contract('positionBook'),
      riskGuard: contract('riskGuard'),
      signers: relaySigners,
      instrumentId: ethPerp,
      buyer: account,
      seller: counterpartyOf(i),
      size: WAD,
      price: 3_000n * WAD,
    })
  const feed = await adminWallet.writeContract({
    address: getAddress(config.feeds!.ETH!),
    abi: mockAggregatorAbi,
    functionName: 'setAnswer',
    args: [2_500n * 10n ** 8n],
  })
  await publicClient.waitForTransactionReceipt({ hash: feed })
  log(
    `seeded ${accounts.length} liquidatable accounts in ${((performance.now() - started) / 1_000).toFixed(1)} s`,
  )

  // The relay's attestations: equity $500 < MM $800, mark $2 500, close the whole 1 ETH.
  const block = await publicClient.getBlock()
  const domain = xmarginDomain({ chainId: CHAIN_ID, riskGuard: contract('riskGuard') })
  const jobs: Array<JobData<'liquidate'>> = []
  for (const account of accounts) {
    const health: JobData<'liquidate'>['health'] = {
      account,
      sequence: 1n,
      epoch: 1n,
      equity: 500n * WAD,
      initialMargin: 1_000n * WAD,
      maintenanceMargin: 800n * WAD,
      asOf: block.timestamp,
      expiry: block.timestamp + 3_600n,
      anchorBlock: block.number,
      anchorsDigest: keccak256(stringToHex(`bench-${block.number}`)),
      paramsHash: `0x${'00'.repeat(32)}`,
      marks: [{ instrumentId: ethPerp, mark: 2_500n * WAD, maxClose: WAD }],
    }
    const signatures = packSignatures(
      await Promise.all(
        relaySigners.map(async (signer) => ({
          signer: signer.address,
          signature: await signXmargin(signer, domain, 'AccountHealth', health),
        })),
      ),
      2,
    )
    jobs.push({
      chainId: CHAIN_ID,
      account,
      sequence: 1n,
      health,
      signatures,
      closes: [{ instrumentId: ethPerp, size: WAD }],
      reason: 'belowMaintenance',
    })
  }
  await test.mine({ blocks: 1 })
  // From here on a block every BLOCK_TIME_S seconds.
  await test.setAutomine(false)
  await test.setIntervalMining({ interval: BLOCK_TIME_S })
  log(
    `chain ${CHAIN_ID} (anvil, a block every ${BLOCK_TIME_S} s, block gas limit ${GAS_LIMIT}), one keeper signer, Liquidator.liquidate through the keeper`,
  )

  const queue = createJobQueue({
    kind: 'liquidate',
    chainId: CHAIN_ID,
    connection: REDIS_URL,
    basePrefix: prefix,
  })
  const run = async (batch: Array<JobData<'liquidate'>>, concurrency: number, label: string) => {
    const settings = checkKeeperSettings(
      keeperSettingsSchema.parse({
        deployment: devnet.deploymentPath,
        redis: { url: REDIS_URL, prefix },
        log: { level: 'warn' },
        chains: [CHAIN_ID],
        keys: { signers: [keeperKey] },
        lz: { enabled: false },
        workers: { liquidateConcurrency: concurrency },
        liquidation: { sendsPerSecond: SENDS_PER_SECOND },
        // Receipts looked for every 100 ms; the monitor (bumps, gap fills) every 2 s: blocks come every second.
        tx: { receiptPollMs: 100, pollIntervalMs: 2_000 },
        // No client-side rate limit against a local node; 64 sockets kept alive (more only churn sockets).
        rpc: {
          ratePerSecond: 1_000_000,
          burst: 1_000_000,
          maxConcurrent: RPC_CONCURRENCY,
          rank: { intervalMs: 0 },
        },
      }),
    )
    const keeper = createKeeper({ settings })
    await keeper.start()
    try {
      const before = (await queue.jobCounts()).completed
      const start = performance.now()
      await Promise.all(batch.map((job) => queue.add(job)))
      let lastPrint = 0
      for (;;) {
        const counts = await queue.jobCounts()
        const done = counts.completed - before
        if (counts.failed > 0) {
          const [failed] = await queue.queue.getFailed(0, 0)
          throw new Error(`${counts.failed} liquidation jobs failed: ${failed?.failedReason}`)
        }
        if (performance.now() - lastPrint > 1_000) {
          lastPrint = performance.now()
          log(
            `  ${label}: ${done}/${batch.length} liquidated after ${((performance.now() - start) / 1_000).toFixed(1)} s`,
          )
        }
        if (done >= batch.length) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const seconds = (performance.now() - start) / 1_000
      return { seconds, perSec: batch.length / seconds }
    } finally {
      await keeper.stop()
    }
  }
  /** CPU seconds used so far by this process (the keeper) and by anvil (from /proc). */
  const cpu = () => {
    const stat = readFileSync(`/proc/${devnet.anvils[0]!.process.pid}/stat`, 'utf8')
      .split(') ')[1]!
      .split(' ')
    const own = process.cpuUsage()
    return { anvilS: (Number(stat[11]) + Number(stat[12])) / 100, keeperS: (own.user + own.system) / 1e6 }
  }

  // One at a time: a worker with concurrency 1, so each job waits for its receipt before the next starts.
  const sequential = await run(jobs.slice(0, SEQUENTIAL_N), 1, 'sequential')
  log(
    `sequential: ${SEQUENTIAL_N} liquidations in ${sequential.seconds.toFixed(2)} s = ${sequential.perSec.toFixed(1)} per second`,
  )
  // Pipelined: CONCURRENCY jobs in flight on one signer, consecutive nonces, receipts awaited together.
  const cpuBefore = cpu()
  const pipelined = await run(jobs.slice(SEQUENTIAL_N), CONCURRENCY, 'pipelined')
  const cpuAfter = cpu()
  const keeperCpuS = cpuAfter.keeperS - cpuBefore.keeperS
  const anvilCpuS = cpuAfter.anvilS - cpuBefore.anvilS
  log(
    `pipelined: ${N} liquidations in ${pipelined.seconds.toFixed(2)} s = ${pipelined.perSec.toFixed(1)} per second`,
  )
  log(
    `  CPU while pipelining: keeper ${keeperCpuS.toFixed(2)} s (${((keeperCpuS / N) * 1_000).toFixed(1)} ms per liquidation), anvil ${anvilCpuS.toFixed(2)} s, ${availableParallelism()} cores`,
  )

  const events = await publicClient.getContractEvents({
    address: contract('liquidator'),
    abi: liquidatorAbi,
    eventName: 'Liquidated',
    fromBlock: 0n,
  })
  const liquidated = new Set(events.map((event) => (event.args.account as Address).toLowerCase()))
  if (events.length !== accounts.length || liquidated.size !== accounts.length)
    throw new Error(
      `expected ${accounts.length} liquidations once each, found ${events.length} (${liquidated.size} accounts)`,
    )
  const speedup = pipelined.perSec / sequential.perSec
  log(
    `speedup: ${speedup.toFixed(1)}×; every account liquidated exactly once (${events.length} Liquidated events)`,
  )
  await queue.close()
  result = {
    pipelinedPerSec: Number(pipelined.perSec.toFixed(1)),
    sequentialPerSec: Number(sequential.perSec.toFixed(2)),
    speedup: Number(speedup.toFixed(1)),
    n: N,
    sequentialN: SEQUENTIAL_N,
    concurrency: CONCURRENCY,
    signers: 1,
    blockTimeS: BLOCK_TIME_S,
    blockGasLimit: Number(GAS_LIMIT),
    keeperCpuMsPerLiquidation: Number(((keeperCpuS / N) * 1_000).toFixed(2)),
    anvilCpuS: Number(anvilCpuS.toFixed(2)),
  }
} finally {
  const keys = await redis.keys(`{${prefix}:*`)
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500))
  redis.disconnect()
  await devnet.stop()
  rmSync(dir, { recursive: true, force: true })
}
console.log(JSON.stringify(result))
