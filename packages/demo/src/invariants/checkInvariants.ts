import {
  collateralVaultAbi,
  liquidatorAbi,
  mockERC20Abi,
  positionBookAbi,
  riskGuardAbi,
} from '@xmargin/contracts'
import { JOB_KINDS, queueRef } from '@xmargin/queue'
import { ledgerKeys } from '@xmargin/tx'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { type Address, getAddress, isAddress, parseEventLogs } from 'viem'
import { DEMO_ACCOUNTS } from '../accounts.js'
import type { DemoChain, Stack } from '../stack/startStack.js'

export type InvariantCheck = { name: string; holds: boolean; detail: string }

export type InvariantReport = {
  holds: boolean
  checks: InvariantCheck[]
  /** Bad debt written off on every chain (USD). */
  badDebtUsd: number
}

/**
 * The termination invariants of a scenario, read fresh from the chains and Redis (not from anything the
 * services report): every job ended, every attestation used at most once, vault balances equal token
 * balances on every chain, no nonce gap for any keeper signer, and no unaccounted bad debt.
 */
export async function checkInvariants(stack: Stack): Promise<InvariantReport> {
  const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: 3 })
  try {
    const logs = await Promise.all(stack.chains.map((chain) => readLogs(chain)))
    const checks = [
      await jobsEnded(stack, redis),
      attestationsOnce(stack, logs),
      ...(await Promise.all(stack.chains.map((chain, i) => vaultConserved(chain, logs[i]!)))),
      await noNonceGap(stack, redis),
    ]
    const badDebt = await badDebtAccounted(stack, logs)
    checks.push(badDebt.check)
    return { holds: checks.every((check) => check.holds), checks, badDebtUsd: badDebt.usd }
  } finally {
    redis.disconnect()
  }
}

/**
 * The termination invariants once the system is quiet: checks until they all hold or `timeoutMs` passed,
 * and returns the last report. Some settle a moment after the last job ends (a keeper's ledger records a
 * mined replacement on its next monitor pass), so "at the end" means "once nothing is moving".
 */
export async function waitForInvariants(stack: Stack, timeoutMs = 30_000): Promise<InvariantReport> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const report = await checkInvariants(stack)
    if (report.holds || Date.now() > deadline) return report
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

type ChainLogs = Array<{ eventName: string; args: Record<string, unknown>; address: Address }>
const eventsAbi = [...riskGuardAbi, ...liquidatorAbi, ...collateralVaultAbi, ...positionBookAbi]

async function readLogs(chain: DemoChain): Promise<ChainLogs> {
  const contracts = chain.config.contracts
  const logs = await chain.publicClient.getLogs({
    address: [
      contracts.riskGuard!,
      contracts.liquidator!,
      contracts.collateralVault!,
      contracts.positionBook!,
    ],
    fromBlock: BigInt(chain.config.deployBlock ?? 0),
    toBlock: 'latest',
  })
  return parseEventLogs({ abi: eventsAbi, logs, strict: false }).map((log) => ({
    eventName: log.eventName,
    args: (log.args ?? {}) as Record<string, unknown>,
    address: log.address,
  }))
}

/** Whether every job of every kind ended on every chain's queue (none waiting, delayed or active). */
export async function checkJobsEnded(stack: Stack): Promise<InvariantCheck> {
  const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: 3 })
  try {
    return await jobsEnded(stack, redis)
  } finally {
    redis.disconnect()
  }
}

/** No job of any kind is waiting, delayed or active on any chain's queue. */
async function jobsEnded(stack: Stack, redis: Redis): Promise<InvariantCheck> {
  const open: string[] = []
  let ended = 0
  for (const chain of stack.chains) {
    for (const kind of JOB_KINDS) {
      const ref = queueRef({ kind, chainId: chain.chainId, basePrefix: stack.prefix })
      const queue = new Queue(ref.name, { connection: redis, prefix: ref.prefix })
      const counts = await queue.getJobCounts(
        'waiting',
        'delayed',
        'active',
        'prioritized',
        'completed',
        'failed',
      )
      await queue.close()
      const pending =
        (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0)
      ended += (counts.completed ?? 0) + (counts.failed ?? 0)
      if (pending > 0) open.push(`${kind}@${chain.chainId}: ${pending} open`)
      if ((counts.failed ?? 0) > 0) open.push(`${kind}@${chain.chainId}: ${counts.failed} failed`)
    }
  }
  return {
    name: 'every job ended',
    holds: open.length === 0,
    detail: open.length ? open.join(', ') : `${ended} jobs, all completed`,
  }
}

/** Each (account, sequence) was posted at most once and liquidated at most once per chain. */
function attestationsOnce(stack: Stack, logs: ChainLogs[]): InvariantCheck {
  const twice: string[] = []
  let posted = 0
  let liquidations = 0
  logs.forEach((chainLogs, i) => {
    const chainId = stack.chains[i]!.chainId
    for (const name of ['HealthPosted', 'Liquidated'] as const) {
      const seen = new Set<string>()
      for (const log of chainLogs) {
        if (log.eventName !== name) continue
        const args = log.args as { account?: Address; sequence?: bigint }
        const key = `${args.account}:${args.sequence}`
        if (seen.has(key)) twice.push(`${name} ${key} on ${chainId}`)
        seen.add(key)
        if (name === 'HealthPosted') posted++
        else liquidations++
      }
    }
  })
  return {
    name: 'every attestation used at most once',
    holds: twice.length === 0,
    detail: twice.length
      ? `twice: ${twice.join(', ')}`
      : `${posted} posted, ${liquidations} liquidations, none twice`,
  }
}

/** Σ vault balances of every account that ever touched the vault = the vault's token balance, per asset. */
async function vaultConserved(chain: DemoChain, logs: ChainLogs): Promise<InvariantCheck> {
  const contracts = chain.config.contracts
  const vault = contracts.collateralVault!
  const accounts = new Set<Address>([
    getAddress(DEMO_ACCOUNTS.deployer.address),
    getAddress(contracts.positionBook!),
  ])
  for (const log of logs) {
    if (getAddress(log.address) !== getAddress(vault)) continue
    for (const value of Object.values(log.args ?? {})) {
      if (typeof value === 'string' && isAddress(value)) accounts.add(getAddress(value))
    }
  }
  const assets = Object.values(chain.config.tokens).map((token) => token.address)
  const wrong: string[] = []
  for (const asset of assets) {
    const balances = await chain.publicClient.multicall({
      allowFailure: false,
      contracts: [...accounts].map((account) => ({
        address: vault,
        abi: collateralVaultAbi,
        functionName: 'balanceOf' as const,
        args: [account, asset] as const,
      })),
    })
    const ledger = (balances as bigint[]).reduce((sum, balance) => sum + balance, 0n)
    const held = await chain.publicClient.readContract({
      address: asset,
      abi: mockERC20Abi,
      functionName: 'balanceOf',
      args: [vault],
    })
    if (ledger !== held) wrong.push(`${asset}: ledger ${ledger} ≠ tokens ${held}`)
  }
  return {
    name: `vault balances equal token balances on ${chain.chainId}`,
    holds: wrong.length === 0,
    detail: wrong.length ? wrong.join(', ') : `${assets.length} assets, ${accounts.size} accounts`,
  }
}

/** Every keeper signer's nonces are contiguous: nothing pending on chain, nothing live in the ledger. */
async function noNonceGap(stack: Stack, redis: Redis): Promise<InvariantCheck> {
  const problems: string[] = []
  const signers = [...DEMO_ACCOUNTS.keepers, DEMO_ACCOUNTS.lzRelayer].map((key) => key.address)
  for (const chain of stack.chains) {
    const keys = ledgerKeys(stack.prefix, chain.chainId)
    for (const signer of signers) {
      const [latest, pending] = await Promise.all([
        chain.publicClient.getTransactionCount({ address: signer, blockTag: 'latest' }),
        chain.publicClient.getTransactionCount({ address: signer, blockTag: 'pending' }),
      ])
      const next = await redis.get(keys.next(signer))
      // Live records may be `mined` and waiting for finality depth (an idle automine chain mines no more
      // blocks): only `reserved` or `broadcast` ones are unsettled.
      const live = await redis.zrange(keys.live(signer), '0', '-1')
      const states = await Promise.all(
        live.map((nonce) => redis.hget(keys.record(signer, Number(nonce)), 'state')),
      )
      const unsettled = live.filter((_, i) => states[i] === 'reserved' || states[i] === 'broadcast')
      const free = await redis.zrangebyscore(keys.free(signer), '0', String(latest - 1))
      if (pending !== latest) problems.push(`${signer}@${chain.chainId}: ${pending - latest} pending`)
      if (next !== null && Number(next) !== latest)
        problems.push(`${signer}@${chain.chainId}: ledger next ${next}, chain ${latest}`)
      if (unsettled.length > 0)
        problems.push(`${signer}@${chain.chainId}: nonces ${unsettled.join(',')} unsettled`)
      if (free.length > 0)
        problems.push(`${signer}@${chain.chainId}: unused nonces ${free.join(',')} below ${latest}`)
    }
  }
  return {
    name: 'no nonce gap',
    holds: problems.length === 0,
    detail: problems.length
      ? problems.join(', ')
      : `${signers.length} signers on ${stack.chains.length} chains`,
  }
}

/**
 * Bad debt is recorded, or there is none: no account ends with negative cash on a chain while it holds
 * nothing (no collateral, no position) on any chain and no `BadDebtRecorded` covers it.
 */
async function badDebtAccounted(
  stack: Stack,
  logs: ChainLogs[],
): Promise<{ check: InvariantCheck; usd: number }> {
  let usd = 0
  const written = new Set<string>()
  logs.forEach((chainLogs, i) => {
    for (const log of chainLogs) {
      if (log.eventName !== 'BadDebtRecorded') continue
      const args = log.args as { account: Address; usd: bigint }
      usd += Number(args.usd) / 1e18
      written.add(`${stack.chains[i]!.chainId}:${getAddress(args.account)}`)
    }
  })
  const traders = [DEMO_ACCOUNTS.trader, DEMO_ACCOUNTS.hedger].map((key) => key.address)
  const unaccounted: string[] = []
  for (const account of traders) {
    const perChain = await Promise.all(
      stack.chains.map(async (chain) => {
        const vault = chain.config.contracts.collateralVault!
        const [cash, holds, openPositions] = await Promise.all([
          chain.publicClient.readContract({
            address: vault,
            abi: collateralVaultAbi,
            functionName: 'cashOf',
            args: [account],
          }),
          chain.publicClient.readContract({
            address: vault,
            abi: collateralVaultAbi,
            functionName: 'hasCollateral',
            args: [account],
          }),
          chain.publicClient.readContract({
            address: chain.config.contracts.positionBook!,
            abi: positionBookAbi,
            functionName: 'openPositionCount',
            args: [account],
          }),
        ])
        return {
          chainId: chain.chainId,
          cash: cash as bigint,
          holds: (holds as boolean) || (openPositions as bigint) > 0n,
        }
      }),
    )
    const holdsAnything = perChain.some((chain) => chain.holds || chain.cash > 0n)
    for (const chain of perChain) {
      if (chain.cash < 0n && !holdsAnything && !written.has(`${chain.chainId}:${getAddress(account)}`))
        unaccounted.push(`${account} owes ${-chain.cash} units on ${chain.chainId}`)
    }
  }
  return {
    usd,
    check: {
      name: 'no unaccounted bad debt',
      holds: unaccounted.length === 0,
      detail: unaccounted.length ? unaccounted.join(', ') : `bad debt written off: $${usd.toFixed(2)}`,
    },
  }
}
