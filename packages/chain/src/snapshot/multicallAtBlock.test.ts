import { MULTICALL3_ADDRESS } from '@xmargin/contracts'
import { type Address, createPublicClient, toFunctionSelector } from 'viem'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { anvilClients } from '../_test/anvilClients.js'
import { setupAnvil } from '../_test/setupAnvil.js'
import { createRpcTransport } from '../transport/createRpcTransport.js'
import { encodeStaticCall, readUint256 } from './aggregate3Codec.js'
import { callBytes, chunkCalls, multicallAtBlock } from './multicallAtBlock.js'
import { pinBlock } from './pinBlock.js'

let rpcUrl: string
let stopAnvil: () => Promise<void>
beforeAll(async () => {
  const { anvil, cleanup } = await setupAnvil(31337)
  rpcUrl = anvil.rpcUrl
  stopAnvil = cleanup
})
afterAll(async () => {
  await stopAnvil()
})

const getEthBalance = toFunctionSelector('function getEthBalance(address)')
const accounts = Array.from(
  { length: 25 },
  (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}` as Address,
)
const calls = accounts.map((account) => ({
  target: MULTICALL3_ADDRESS,
  callData: encodeStaticCall(getEthBalance, [account]),
}))

test('default: every batch reads the pinned block, one request per batch', async () => {
  const clients = anvilClients(rpcUrl)
  for (const [i, account] of accounts.entries())
    await clients.test.setBalance({ address: account, value: BigInt(i) })
  await clients.test.mine({ blocks: 1 })
  const rpc = createRpcTransport({ chainId: 31337, urls: [rpcUrl] })
  const client = createPublicClient({ transport: rpc.transport })
  const anchor = await pinBlock(client, { chainId: 31337 })
  // Later blocks change every balance; the pinned reads must not see it.
  for (const account of accounts)
    await clients.public.waitForTransactionReceipt({
      hash: await clients.wallet.sendTransaction({ to: account, value: 10n ** 18n }),
    })
  const before = rpc.requestCount()
  const { results, requests } = await multicallAtBlock(client, {
    multicall3: MULTICALL3_ADDRESS,
    calls,
    anchor,
    maxCalls: 10,
    concurrency: 2,
  })
  expect(requests).toBe(3)
  expect(rpc.requestCount() - before).toBe(3)
  expect(results.map((result) => readUint256(result.returnData))).toEqual(accounts.map((_, i) => BigInt(i)))
  rpc.close()
})

test('behavior: a block reorged away after pinning fails the read instead of mixing chains', async () => {
  const clients = anvilClients(rpcUrl)
  await clients.test.mine({ blocks: 2 })
  const client = createPublicClient({
    transport: createRpcTransport({ chainId: 31337, urls: [rpcUrl] }).transport,
  })
  const anchor = await pinBlock(client, { chainId: 31337 })
  await clients.public.request({ method: 'anvil_reorg' as never, params: [1, []] as never })
  await expect(multicallAtBlock(client, { multicall3: MULTICALL3_ADDRESS, calls, anchor })).rejects.toThrow()
})

test('behavior: confirmations pin below the head', async () => {
  const clients = anvilClients(rpcUrl)
  await clients.test.mine({ blocks: 3 })
  const head = await clients.public.getBlockNumber({ cacheTime: 0 })
  const client = createPublicClient({
    transport: createRpcTransport({ chainId: 31337, urls: [rpcUrl] }).transport,
  })
  const anchor = await pinBlock(client, { chainId: 31337, confirmations: 2 })
  expect(anchor.blockNumber).toBe(head - 2n)
  expect(anchor.blockHash).toBe((await clients.public.getBlock({ blockNumber: head - 2n })).hash)
})

test('behavior: chunks split under both limits and never inside a group', () => {
  const size = callBytes(calls[0]!)
  expect(size).toBe(32 + 128 + 64)
  const byCount = chunkCalls(calls, { groupSize: 3, maxCalls: 7, maxCalldataBytes: 1e9 })
  expect(byCount.map((chunk) => chunk.length)).toEqual([6, 6, 6, 7])
  const byBytes = chunkCalls(calls, { groupSize: 1, maxCalls: 1e9, maxCalldataBytes: 68 + size * 4 })
  expect(byBytes.map((chunk) => chunk.length)).toEqual([4, 4, 4, 4, 4, 4, 1])
})
