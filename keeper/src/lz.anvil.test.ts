import { endpointV2Abi, liquidatorAbi, messengerAbi } from '@xmargin/contracts'
import {
  AlreadyDoneError,
  createJobQueue,
  decodeJob,
  type JobData,
  type JobQueue,
  jobId,
} from '@xmargin/queue'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { type Address, type Hex, zeroHash } from 'viem'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { testSettings } from './_test/keeperSettings.js'
import { deletePrefix, freshPrefix, redisUrl, until } from './_test/redis.js'
import {
  deposit,
  liquidationJob,
  newAccounts,
  openLongs,
  setEthPrice,
  signHealth,
  usd,
} from './_test/seed.js'
import { type KeeperDevnet, setupKeeperDevnet, type TestChain } from './_test/setupKeeperDevnet.js'
import type { KeeperSettingsInput } from './config/keeperSettings.js'
import { deliverPacket } from './handlers/deliverPacket.js'
import { packetJobs } from './ingest/packetJobs.js'
import { createKeeper, type Keeper } from './service.js'

let net: KeeperDevnet
let redis: Redis
const cleanups: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  net = await setupKeeperDevnet()
  redis = new Redis(redisUrl)
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await net.reset()
})
afterAll(async () => {
  redis.disconnect()
  await net?.cleanup()
})

async function startKeeper(prefix: string, overrides: Partial<KeeperSettingsInput> = {}): Promise<Keeper> {
  const keeper = createKeeper({
    settings: testSettings({
      deploymentPath: net.deploymentPath,
      prefix,
      keys: [net.keeperKeys[0]],
      relayerKey: net.relayerKey,
      overrides,
    }),
  })
  cleanups.push(() => keeper.stop())
  await keeper.start()
  return keeper
}

function queueOf<kind extends 'liquidate' | 'lzDeliver'>(
  kind: kind,
  chainId: number,
  prefix: string,
): JobQueue<kind> {
  const queue = createJobQueue({ kind, chainId, connection: redisUrl, basePrefix: prefix })
  cleanups.push(async () => {
    await queue.close()
    await deletePrefix(redis, prefix)
  })
  return queue
}

/**
 * Accounts with $100 cash and a 1 ETH long on A, and 1 WETH on B; ETH falls to 2 500 on A. Liquidating
 * one on A leaves $425 of negative cash (−500 P&L, −25 penalty) that only B's WETH can cover.
 */
async function underwaterOnA(count: number) {
  const [a, b] = [net.chains[0]!, net.chains[1]!]
  const accounts = newAccounts(count)
  await openLongs(a, { accounts, counterparty: net.counterparty, signers: net.relaySigners, cashUsd: 100 })
  await deposit(
    b,
    'WETH',
    accounts.map((account) => ({ account, units: 10n ** 18n })),
  )
  await setEthPrice(a, 2_500)
  const jobs: Array<JobData<'liquidate'>> = []
  for (const account of accounts)
    jobs.push(
      liquidationJob(
        a,
        await signHealth(a, {
          account,
          sequence: 1n,
          signers: net.relaySigners,
          equityUsd: 2_000,
          maintenanceUsd: 2_500,
        }),
      ),
    )
  return { a, b, accounts, jobs }
}

async function seizeEvents(chain: TestChain, eventName: 'SeizeExecuted' | 'SeizeResultReceived') {
  return chain.publicClient.getContractEvents({
    address: chain.contracts.messenger,
    abi: messengerAbi,
    eventName,
    fromBlock: 0n,
  })
}

async function deliveredNonces(chain: TestChain): Promise<bigint[]> {
  const events = await chain.publicClient.getContractEvents({
    address: chain.contracts.lzEndpoint,
    abi: endpointV2Abi,
    eventName: 'PacketDelivered',
    fromBlock: 0n,
  })
  return events.map((event) => event.args.origin!.nonce)
}

test('default: a seize request from A is delivered to B by the keeper and its result back to A; a second delivery is harmless', async () => {
  const { a, b, accounts, jobs } = await underwaterOnA(1)
  const prefix = freshPrefix()
  const liquidations = queueOf('liquidate', a.chainId, prefix)
  const toB = queueOf('lzDeliver', b.chainId, prefix)
  const toA = queueOf('lzDeliver', a.chainId, prefix)
  const keeper = await startKeeper(prefix)
  await liquidations.add(jobs[0]!)

  await until(async () => (await toA.jobCounts()).completed === 1, 60_000, 'the seize result to reach A')
  expect((await liquidations.jobCounts()).completed).toBe(1)
  expect((await toB.jobCounts()).completed).toBe(1)
  // On A: one liquidation that asked B for the shortfall, got it, and is finalised.
  const [liquidated] = await a.publicClient.getContractEvents({
    address: a.contracts.liquidator,
    abi: liquidatorAbi,
    eventName: 'Liquidated',
    fromBlock: 0n,
  })
  expect(liquidated!.args.requestedUsd).toBe(usd(425))
  const record = await a.publicClient.readContract({
    address: a.contracts.liquidator,
    abi: liquidatorAbi,
    functionName: 'liquidation',
    args: [liquidated!.args.liquidationId!],
  })
  expect(record).toMatchObject({ account: accounts[0], finalised: true, pendingReplies: 0 })
  expect(record.remoteSeizedUsd).toBeGreaterThanOrEqual(usd(425))
  const route = await a.publicClient.readContract({
    address: a.contracts.liquidator,
    abi: liquidatorAbi,
    functionName: 'routeState',
    args: [liquidated!.args.liquidationId!, b.eid],
  })
  expect(route).toBe(2) // Completed
  expect(await seizeEvents(b, 'SeizeExecuted')).toHaveLength(1)
  expect(await seizeEvents(a, 'SeizeResultReceived')).toHaveLength(1)
  const metrics = await keeper.metrics.registry.getSingleMetricAsString('keeper_lz_packets_total')
  expect(metrics).toContain(
    `keeper_lz_packets_total{src="${a.chainId}",dst="${b.chainId}",outcome="delivered"} 1`,
  )
  expect(metrics).toContain(
    `keeper_lz_packets_total{src="${b.chainId}",dst="${a.chainId}",outcome="delivered"} 1`,
  )

  // The same packet again: through the queue (once its completed job is gone) and straight to the handler.
  const [delivered] = await toB.queue.getJobs(['completed'])
  const data = delivered!.data
  await delivered!.remove()
  await toB.queue.add('lzDeliver', data, { jobId: delivered!.id! })
  await until(async () => (await toB.jobCounts()).completed === 1, 30_000, 'the duplicate to complete')
  expect((await toB.queue.getJob(delivered!.id!))?.returnvalue).toMatchObject({
    alreadyDone: true,
    reason: 'alreadyExecuted',
  })
  const [source, destination] = [keeper.chains()[0]!, keeper.chains()[1]!]
  const decoded = decodeJob('lzDeliver', data)
  await expect(
    deliverPacket(
      decoded,
      { jobId: delivered!.id! },
      {
        source,
        destination,
        settings: { executorOverheadGas: 150_000, confirmations: 1, waitTimeoutMs: 10_000 },
        metrics: keeper.metrics,
        logger: pino({ level: 'silent' }),
      },
    ),
  ).rejects.toBeInstanceOf(AlreadyDoneError)
  expect(await seizeEvents(b, 'SeizeExecuted')).toHaveLength(1)
  expect(await deliveredNonces(b)).toEqual([1n])
})

test('behavior: a packet whose predecessor is unverified is verified but waits; it executes after the predecessor, in order', async () => {
  const { a, b, jobs } = await underwaterOnA(2)
  const prefix = freshPrefix()
  const liquidations = queueOf('liquidate', a.chainId, prefix)
  const toB = queueOf('lzDeliver', b.chainId, prefix)
  // No watcher: the test hands the delivery jobs over itself, the later nonce first.
  const keeper = await startKeeper(prefix, { lz: { watch: false } })
  for (const job of jobs) await liquidations.add(job)
  await until(async () => (await liquidations.jobCounts()).completed === 2, 60_000, 'both liquidations')

  const packets: Array<JobData<'lzDeliver'>> = []
  for (const job of jobs) {
    const { txHash } = (await liquidations.queue.getJob(jobId('liquidate', job)))!.returnvalue as {
      txHash: Hex
    }
    const receipt = await a.publicClient.getTransactionReceipt({ hash: txHash })
    packets.push(
      ...packetJobs(
        receipt.logs,
        {
          chainId: a.chainId,
          eid: a.eid,
          messenger: a.contracts.messenger,
          endpoint: a.contracts.lzEndpoint,
        },
        (eid) => net.chains.find((chain) => chain.eid === eid)?.chainId,
      ),
    )
  }
  packets.sort((x, y) => Number(x.nonce - y.nonce))
  expect(packets.map((packet) => packet.nonce)).toEqual([1n, 2n])
  const [first, second] = packets as [JobData<'lzDeliver'>, JobData<'lzDeliver'>]

  const path = [
    b.contracts.messenger,
    a.eid,
    `0x${a.contracts.messenger.slice(2).padStart(64, '0')}` as Hex,
  ] as const
  const stored = (nonce: bigint) =>
    b.publicClient.readContract({
      address: b.contracts.lzEndpoint,
      abi: endpointV2Abi,
      functionName: 'inboundPayloadHash',
      args: [path[0] as Address, path[1], path[2], nonce],
    })
  await toB.add(second)
  await until(async () => (await stored(2n)) !== zeroHash, 30_000, 'nonce 2 to be verified')
  await until(
    async () =>
      (await keeper.metrics.registry.getSingleMetricAsString('keeper_lz_packets_total')).includes(
        'outcome="waiting"',
      ),
    30_000,
    'nonce 2 to wait',
  )
  expect(await deliveredNonces(b)).toEqual([])
  expect((await toB.jobCounts()).completed).toBe(0)

  await toB.add(first)
  await until(async () => (await toB.jobCounts()).completed === 2, 60_000, 'both packets delivered')
  expect(await deliveredNonces(b)).toEqual([1n, 2n])
  expect(await seizeEvents(b, 'SeizeExecuted')).toHaveLength(2)
})
