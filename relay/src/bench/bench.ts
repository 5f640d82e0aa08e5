/*
 * Relay benchmark (`npm run bench -w relay`): 10 000 accounts on 3 anvil chains, each holding cash and an
 * ETH perpetual on one chain (health spread so that a 1% move changes the band of a few hundred), one relay
 * node signing with a 1-of-1 signer set (`XMARGIN_BENCH_SIGNERS`: the RiskGuards are deployed with it).
 *
 * 1. Price path (after two warm-up moves): an ETH oracle update mined on every chain → the relay's cursors
 *    see it, the risk book recomputes every exposed account (riskiest first), the leader attests every
 *    account whose band changed
 *    (liquidations, band changes) and queues the keeper jobs. Measured from the moment the update is mined
 *    (automine: when the send returns) to the time the last of those jobs was added to its queue (BullMQ's
 *    job timestamp); repeated, alternating down and up moves; p50 reported.
 * 2. API: `GET /v1/accounts/{a}/health` over many accounts with autocannon (programmatic, one worker thread,
 *    loopback) for ~10 s: requests/s, p50, p99.
 *
 * Seeding (not timed) uses real transactions: Multicall3-batched deposits, and venue trades batched through
 * Multicall3 (the bench grants it VENUE_ROLE and makes the market maker RISK_EXEMPT; each account's side
 * carries a permit signed by the relay's key, as in production).
 *
 * The last line of output is one JSON object.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PermitAction, signXmargin, xmarginDomain } from '@xmargin/attestation'
import { seedDeposits } from '@xmargin/chain/testing'
import { viemChain } from '@xmargin/config'
import { deployXmargin, mockAggregatorAbi, multicall3Abi, positionBookAbi, roleId } from '@xmargin/contracts'
import { ANVIL_ACCOUNTS, startDevnet } from '@xmargin/devnet'
import { queueRef } from '@xmargin/queue'
import autocannon from 'autocannon'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import {
  type Address,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  getAddress,
  http,
  keccak256,
  numberToHex,
  padHex,
  toHex,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { unstickAnvils } from '../_test/unstickAnvils.js'
import { relaySettingsSchema } from '../config/relaySettings.js'
import { createRelay } from '../service.js'

const ACCOUNTS = Number(process.env.XMARGIN_BENCH_ACCOUNTS ?? 10_000)
const RUNS = Number(process.env.XMARGIN_BENCH_RUNS ?? 5)
/** Moves before the measured ones (JIT warm-up: the first passes of a fresh process are slower). */
const WARMUP = Number(process.env.XMARGIN_BENCH_WARMUP ?? 2)
const MOVE = Number(process.env.XMARGIN_BENCH_MOVE ?? 0.01)
const API_SECONDS = Number(process.env.XMARGIN_BENCH_API_SECONDS ?? 10)
const TRADES_PER_TRANSACTION = 60
const MULTICALL3: Address = '0xcA11bde05977b3631167028862bE2a173976CA11'
const WAD = 10n ** 18n
const P0 = 3_000

const log = (line: string) => process.stdout.write(`${line}\n`)
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'xmargin-relay-bench-'))
  // anvil now and then leaves an automined transaction pending on a loaded machine: mine it
  const rpcUrls: string[] = []
  const unstick = unstickAnvils(rpcUrls)
  const signerKey = ANVIL_ACCOUNTS[5]!.privateKey
  const signer = privateKeyToAccount(signerKey)
  const admin = privateKeyToAccount(ANVIL_ACCOUNTS[0]!.privateKey)
  const maker = ANVIL_ACCOUNTS[3]!.address
  const backstop = ANVIL_ACCOUNTS[9]!.address
  const devnet = await withRetries(3, () =>
    startDevnet({
      chains: 3,
      deploymentPath: join(dir, 'deployment.json'),
      onProgress: (line) => log(`devnet: ${line}`),
      setup: ({ deployment, anvils, onProgress }) => {
        rpcUrls.splice(0, rpcUrls.length, ...anvils.map((anvil) => anvil.rpcUrl))
        return deployXmargin({
          chains: deployment.chains.map((c) => ({
            chainId: c.chainId,
            rpcUrl: c.rpcUrls[0]!,
            lzEid: c.lzEid,
            name: c.name,
            multicall3: c.contracts.multicall3,
          })),
          deployerKey: ANVIL_ACCOUNTS[0]!.privateKey,
          signers: { addresses: [signer.address], threshold: 1 },
          backstopAddress: backstop,
          onProgress,
        })
      },
    }),
  )
  const prefix = `xr-bench-${Date.now().toString(36)}`
  let relay: ReturnType<typeof createRelay> | undefined
  try {
    const chains = devnet.deployment.chains.map((config) => {
      const chain = viemChain(config)
      const transport = http(config.rpcUrls[0])
      return {
        config,
        publicClient: createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: 10 }),
        admin: createWalletClient({ chain, account: admin, transport }),
        book: getAddress(config.contracts.positionBook!),
        vault: getAddress(config.contracts.collateralVault!),
        riskGuard: getAddress(config.contracts.riskGuard!),
        usdc: getAddress(config.tokens.USDC!.address),
        ethFeed: getAddress(config.feeds!.ETH!),
        ethPerp: config.instruments!.find((i) => i.kind === 'perp' && i.underlying === 'ETH')!.id,
      }
    })

    // Accounts: i lives on chain i % 3, holds a perp of ±s ETH (long for even i) and cash for a health h_i
    // spread evenly over [1.05, 10.05] (5% below 1.5): MM ≈ 0.174·|s|·P for a perp.
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => {
      const address = getAddress(`0x${keccak256(numberToHex(i + 1, { size: 32 })).slice(26)}`)
      const size = 1 + (i % 7)
      const u = ((i * 7919) % 10_000) / 10_000
      const health = 1.05 + 9 * u
      const cash = Math.ceil(health * 0.174 * size * P0)
      return {
        address,
        chain: i % chains.length,
        size: BigInt(size) * WAD,
        long: i % 2 === 0,
        cash: BigInt(cash) * 10n ** 6n,
      }
    })

    log(`seeding ${ACCOUNTS} accounts (cash and one ETH perp each) on ${chains.length} chains`)
    const seedStarted = performance.now()
    await Promise.all(
      chains.map(async (chain, c) => {
        // the bench's venue is Multicall3 (trades batched); the maker needs no permit
        for (const [role, holder] of [
          ['VENUE_ROLE', MULTICALL3],
          ['RISK_EXEMPT_ROLE', maker],
        ] as const) {
          const hash = await chain.admin.writeContract({
            address: chain.book,
            abi: positionBookAbi,
            functionName: 'grantRole',
            args: [roleId(role), holder],
          })
          await mined(chain, hash)
        }
        const mine = accounts.filter((a) => a.chain === c)
        await seedDeposits({
          wallet: chain.admin,
          publicClient: chain.publicClient,
          multicall3: MULTICALL3,
          vault: chain.vault,
          token: chain.usdc,
          deposits: [
            { account: maker, amount: 10n ** 12n * 10n ** 6n },
            ...mine.map((a) => ({ account: a.address, amount: a.cash })),
          ],
        })
        const domain = xmarginDomain({ chainId: chain.config.chainId, riskGuard: chain.riskGuard })
        const expiry = BigInt(Math.floor(Date.now() / 1_000) + 3_600)
        const hashes: `0x${string}`[] = []
        for (let start = 0; start < mine.length; start += TRADES_PER_TRANSACTION) {
          const batch = mine.slice(start, start + TRADES_PER_TRANSACTION)
          const calls = await Promise.all(
            batch.map(async (account, k) => {
              const permit = {
                account: account.address,
                chainId: BigInt(chain.config.chainId),
                action: PermitAction.IncreaseRisk,
                target: padHex(toHex(chain.ethPerp), { size: 32 }),
                limit: account.size,
                nonce: BigInt(start + k + 1),
                epoch: 1n,
                expiry,
              }
              const signatures = await signXmargin(signer, domain, 'MarginPermit', permit)
              const empty = { permit: { ...permit, account: maker, limit: 0n }, signatures: '0x' as const }
              const own = { permit, signatures }
              return {
                target: chain.book,
                allowFailure: false,
                callData: encodeFunctionData({
                  abi: positionBookAbi,
                  functionName: 'settleTrade',
                  args: [
                    {
                      tradeId: keccak256(toHex(`bench-${chain.config.chainId}-${start + k}`)),
                      instrumentId: chain.ethPerp,
                      buyer: account.long ? account.address : maker,
                      seller: account.long ? maker : account.address,
                      size: account.size,
                      price: BigInt(P0) * WAD,
                    },
                    account.long ? own : empty,
                    account.long ? empty : own,
                  ],
                }),
              }
            }),
          )
          hashes.push(
            await chain.admin.writeContract({
              address: MULTICALL3,
              abi: multicall3Abi,
              functionName: 'aggregate3',
              args: [calls],
              gas: 29_000_000n,
            }),
          )
        }
        for (const hash of hashes) {
          const receipt = await mined(chain, hash)
          if (receipt.status !== 'success')
            throw new Error(`trade batch ${hash} reverted on ${chain.config.name}`)
        }
        log(
          `  chain ${chain.config.chainId}: ${mine.length} deposits and trades in ${hashes.length} trade transactions`,
        )
      }),
    )
    log(`seeded in ${((performance.now() - seedStarted) / 1_000).toFixed(1)} s`)

    // The relay: one node, its key the 1-of-1 signer set; it back-fills the chains from their deploy blocks.
    relay = createRelay({
      settings: relaySettingsSchema.parse({
        deployment: devnet.deploymentPath,
        redis: { url: devnet.redis.url, prefix },
        signer: { key: signerKey },
        node: { id: 'bench-0' },
        attestation: { heartbeatS: 0 },
        portfolio: { pollIntervalMs: 20, coalesceMs: 40 },
        http: { host: '127.0.0.1', port: 0 },
      }),
      logger: pino({ level: process.env.XMARGIN_BENCH_LOG ?? 'warn' }),
    })
    const loadStarted = performance.now()
    await relay.start()
    await relay.idle()
    const tracked = accounts.filter((a) => relay!.book.get(a.address)?.hasPositions).length
    log(
      `relay up at ${relay.url()}: ${tracked}/${ACCOUNTS} accounts with positions in ${((performance.now() - loadStarted) / 1_000).toFixed(1)} s`,
    )
    if (tracked !== ACCOUNTS) throw new Error(`the relay sees ${tracked} of ${ACCOUNTS} accounts`)
    while (!relay.lease.isLeader()) await new Promise((resolve) => setTimeout(resolve, 50))
    // the first sight of every account is its baseline; let the leader record it
    await new Promise((resolve) => setTimeout(resolve, 200))
    await relay.idle()

    // --- price path
    const redis = new Redis(devnet.redis.url)
    const queues = chains.flatMap((chain) =>
      (['postAttestation', 'liquidate'] as const).map((kind) => {
        const ref = queueRef({ kind, chainId: chain.config.chainId, basePrefix: prefix })
        return new Queue(ref.name, { connection: redis, prefix: ref.prefix })
      }),
    )
    const latencies: number[] = []
    const counts: number[] = []
    const profiler = await startProfiler()
    let price = P0
    for (let run = -WARMUP; run < RUNS; run++) {
      const bandsBefore = new Map(accounts.map((a) => [a.address, relay!.book.get(a.address)!.band]))
      const down = (run + WARMUP) % 2 === 0
      price = down ? price * (1 - MOVE) : price / (1 - MOVE)
      const answer = BigInt(Math.round(price * 1e8))
      const sent = await Promise.all(
        chains.map((chain) =>
          chain.admin.writeContract({
            address: chain.ethFeed,
            abi: mockAggregatorAbi,
            functionName: 'setAnswer',
            args: [answer],
          }),
        ),
      )
      const minedAtMs = Date.now()
      const receipts = await Promise.all(sent.map((hash, c) => mined(chains[c]!, hash)))
      // wait until the relay has applied the blocks and finished recomputing and attesting
      for (;;) {
        const anchors = new Map(
          relay.book.get(accounts[0]!.address)!.portfolio.anchors.map((a) => [a.chainId, a.blockNumber]),
        )
        const seen = receipts.every((r, c) => (anchors.get(chains[c]!.config.chainId) ?? 0n) >= r.blockNumber)
        if (seen) break
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      await relay.idle()
      const affected = accounts.filter((a) => {
        const band = relay!.book.get(a.address)!.band
        return band !== bandsBefore.get(a.address) || band === 'liquidatable'
      })
      const jobs = (
        await Promise.all(
          queues.map((queue) =>
            queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed']),
          ),
        )
      )
        .flat()
        .filter((job) => BigInt((job.data as { sequence: string }).sequence) >= BigInt(minedAtMs))
      const queuedFor = new Set(jobs.map((job) => getAddress((job.data as { account: string }).account)))
      const missing = affected.filter((a) => !queuedFor.has(a.address))
      if (missing.length > 0)
        throw new Error(`run ${run}: ${missing.length} affected accounts without a queued attestation`)
      const last = Math.max(minedAtMs, ...jobs.map((job) => job.timestamp))
      if (run >= 0) {
        latencies.push(last - minedAtMs)
        counts.push(affected.length)
      }
      log(
        `${run < 0 ? `warm-up ${run + WARMUP + 1}/${WARMUP}` : `run ${run + 1}/${RUNS}`}: ETH ${price.toFixed(2)} (${down ? '-' : '+'}${(MOVE * 100).toFixed(1)}%): ${affected.length} accounts changed band, ${jobs.length} jobs queued, last ${last - minedAtMs} ms after the update was mined`,
      )
    }
    await profiler?.stop()
    await Promise.all(queues.map((queue) => queue.close()))
    redis.disconnect()

    // --- API throughput: the health endpoint over many accounts, loopback, one worker thread
    const paths = accounts
      .filter((_, i) => i % 37 === 0)
      .map((a) => ({ method: 'GET', path: `/v1/accounts/${a.address}/health` }))
    for (const request of paths) await fetch(`${relay.url()}${request.path}`) // first request per account loads its attestations
    log(`API: GET /v1/accounts/{account}/health over ${paths.length} accounts for ${API_SECONDS} s`)
    const result = await autocannon({
      url: relay.url(),
      connections: 16,
      duration: API_SECONDS,
      workers: 1,
      requests: paths,
    })
    log(
      `API: ${Math.round(result.requests.average)} requests/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors`,
    )
    const summary = {
      accounts: ACCOUNTS,
      chains: chains.length,
      runs: RUNS,
      priceMove: MOVE,
      attestationsPerMoveP50: median(counts),
      priceToAttestationP50Ms: median(latencies),
      priceToAttestationMaxMs: Math.max(...latencies),
      healthRps: Math.round(result.requests.average),
      healthP50Ms: result.latency.p50,
      healthP99Ms: result.latency.p99,
      healthNon2xx: result.non2xx,
    }
    log(JSON.stringify(summary))
  } finally {
    await relay?.stop()
    unstick.stop()
    await deleteKeys(devnet.redis.url, prefix)
    await devnet.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * The receipt of a transaction; on a loaded machine anvil has been seen to leave an automined transaction
 * pending for minutes: after 5 s, mine a block and look again (three times).
 */
async function mined(
  chain: { publicClient: ReturnType<typeof createPublicClient>; config: { rpcUrls: readonly string[] } },
  hash: `0x${string}`,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await chain.publicClient.waitForTransactionReceipt({ hash, timeout: 5_000 })
    } catch (error) {
      if (attempt >= 3) throw error
      log(`transaction ${hash} not mined after 5 s: mining a block`)
      await fetch(chain.config.rpcUrls[0]!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'evm_mine', params: [] }),
      })
    }
  }
}

/** Deletes every key of the benchmark's Redis prefix (the relay's, the quorum's, the queues'). */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1_000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

/** The devnet deployment occasionally times out waiting for a receipt on a busy machine: start afresh. */
async function withRetries<T>(attempts: number, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      if (attempt >= attempts) throw error
      log(
        `devnet start failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); retrying`,
      )
    }
  }
}

/** With `XMARGIN_BENCH_PROFILE=file.cpuprofile`, a CPU profile of the price runs only (seeding excluded). */
async function startProfiler(): Promise<{ stop(): Promise<void> } | undefined> {
  const file = process.env.XMARGIN_BENCH_PROFILE
  if (!file) return undefined
  const { Session } = await import('node:inspector/promises')
  const { writeFile } = await import('node:fs/promises')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop')
      await writeFile(file, JSON.stringify(profile))
      session.disconnect()
      log(`CPU profile of the price runs: ${file}`)
    },
  }
}

await main()
