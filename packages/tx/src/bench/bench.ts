// Benchmark: contract calls per second on one anvil chain through the transaction engine, one signer,
// with nonce pipelining (many in flight, consecutive nonces, receipts awaited together) versus one at a
// time (submit, wait for the receipt, then the next). Both run in the same process on the same chain,
// through the same engine, client and policy; every call is simulated, signed, recorded and sent.
//
//   npm run bench -w @xmargin/tx
//
// The chain mines a block every BENCH_BLOCK_TIME_S seconds (default 1, a fast L2; Ethereum is 12).
// That is what a receipt costs on a real chain, and what one-at-a-time pays per call. With 0 anvil
// mines each transaction as it arrives (automine): a receipt is then nearly free and both modes are
// bound by CPU (signing, RPC, Redis), so pipelining gains little on a 2-core machine.
//
// Environment: BENCH_N (pipelined calls, default 500), BENCH_SEQUENTIAL_N (default 10 with blocks,
// 100 with automine), BENCH_CONCURRENCY (submissions in flight, default 64), BENCH_BLOCK_TIME_S,
// REDIS_URL (default redis://127.0.0.1:6379). Prints human lines, then one JSON line.
import { randomUUID } from 'node:crypto'
import { ANVIL_ACCOUNTS, spawnAnvil } from '@xmargin/devnet'
import { Redis } from 'ioredis'
import { type Address, createClient, encodeFunctionData, http, publicActions } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { deployContract, waitForTransactionReceipt } from 'viem/actions'
import { txTargetAbi, txTargetBytecode } from '../_test/txTarget.js'
import { createTxEngine, type TxEngine } from '../engine/createTxEngine.js'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const N = env('BENCH_N', 500)
const BLOCK_TIME_S = env('BENCH_BLOCK_TIME_S', 1)
const SEQUENTIAL_N = env('BENCH_SEQUENTIAL_N', BLOCK_TIME_S > 0 ? 10 : 100)
const CONCURRENCY = env('BENCH_CONCURRENCY', 64)
const CHAIN_ID = 31_499

const anvil = await spawnAnvil({
  chainId: CHAIN_ID,
  ...(BLOCK_TIME_S > 0 ? { blockTimeS: BLOCK_TIME_S } : {}),
})
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const prefix = `xmargin-bench-${randomUUID()}`
let engine: TxEngine | undefined
try {
  const client = createClient({ transport: http(anvil.rpcUrl), pollingInterval: 50 }).extend(publicActions)
  const deployer = privateKeyToAccount(ANVIL_ACCOUNTS[9]!.privateKey)
  const deployed = await deployContract(client, {
    abi: txTargetAbi,
    bytecode: txTargetBytecode,
    account: deployer,
    chain: null,
  })
  const target = (await waitForTransactionReceipt(client, { hash: deployed })).contractAddress as Address

  engine = createTxEngine({
    chainId: CHAIN_ID,
    client,
    signers: [privateKeyToAccount(ANVIL_ACCOUNTS[0]!.privateKey)],
    redis,
    prefix,
    policy: { receiptPollMs: 20 },
  })
  await engine.start()
  const submit = (id: number) =>
    engine!.submit({
      intentId: `bench-${id}`,
      to: target,
      data: encodeFunctionData({ abi: txTargetAbi, functionName: 'act', args: [BigInt(id)] }),
      gas: 80_000n, // a keeper knows its call's gas; estimating it would be one more RPC per call in both modes
    })

  console.log(
    `chain ${CHAIN_ID} (anvil, ${BLOCK_TIME_S > 0 ? `a block every ${BLOCK_TIME_S} s` : 'automine'}), one signer, TxTarget.act(id)`,
  )

  // One at a time: submit, wait for the receipt, next.
  let started = performance.now()
  for (let i = 0; i < SEQUENTIAL_N; i++) await (await submit(i)).wait()
  const sequentialS = (performance.now() - started) / 1_000
  const sequentialPerSec = SEQUENTIAL_N / sequentialS
  console.log(
    `sequential: ${SEQUENTIAL_N} calls in ${sequentialS.toFixed(2)} s = ${sequentialPerSec.toFixed(1)} per second`,
  )

  // Pipelined: up to CONCURRENCY submissions in flight with consecutive nonces, then every receipt.
  started = performance.now()
  const ids = Array.from({ length: N }, (_, i) => SEQUENTIAL_N + i)
  const receipts: Array<Promise<unknown>> = []
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
        const tx = await submit(id)
        receipts.push(tx.wait())
      }
    }),
  )
  const submittedS = (performance.now() - started) / 1_000
  await Promise.all(receipts)
  const pipelinedS = (performance.now() - started) / 1_000
  const pipelinedPerSec = N / pipelinedS
  console.log(
    `pipelined: ${N} calls in ${pipelinedS.toFixed(2)} s = ${pipelinedPerSec.toFixed(1)} per second (all accepted by the node after ${submittedS.toFixed(2)} s)`,
  )

  const count = await client.readContract({ address: target, abi: txTargetAbi, functionName: 'count' })
  if (count !== BigInt(N + SEQUENTIAL_N))
    throw new Error(`expected ${N + SEQUENTIAL_N} calls on chain, found ${count}`)
  const speedup = pipelinedPerSec / sequentialPerSec
  console.log(`speedup: ${speedup.toFixed(1)}×; every call landed once (count ${count})`)
  console.log(
    JSON.stringify({
      pipelinedPerSec: Number(pipelinedPerSec.toFixed(1)),
      sequentialPerSec: Number(sequentialPerSec.toFixed(1)),
      speedup: Number(speedup.toFixed(2)),
      blockTimeS: BLOCK_TIME_S,
    }),
  )
} finally {
  await engine?.stop()
  const keys = await redis.keys(`{${prefix}:*`)
  if (keys.length) await redis.del(...keys)
  redis.disconnect()
  await anvil.process.stop()
}
