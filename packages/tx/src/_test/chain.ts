import { ANVIL_ACCOUNTS, type Anvil, spawnAnvil } from '@xmargin/devnet'
import {
  type Address,
  type Client,
  createClient,
  createTestClient,
  custom,
  encodeFunctionData,
  getAddress,
  type Hex,
  http,
  type LocalAccount,
  type PublicActions,
  publicActions,
  type TestClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { deployContract, waitForTransactionReceipt } from 'viem/actions'
import { txTargetAbi, txTargetBytecode } from './txTarget.js'

/** One anvil chain with `TxTarget` deployed, reset to that state between tests. */
export type TestChain = {
  chainId: number
  anvil: Anvil
  rpcUrl: string
  /** A plain client, for the engine and for reading. */
  client: Client & PublicActions
  test: TestClient<'anvil'>
  target: Address
  /** anvil accounts 0–7 (8 and 9 deploy and play third parties). */
  signers: LocalAccount[]
  outsider: LocalAccount
  /** Back to the state right after deployment, mining on. */
  reset(): Promise<void>
  /** Stop mining: transactions stay in the pool until `mine()` or `resume()`. */
  pause(): Promise<void>
  resume(): Promise<void>
  stop(): Promise<void>
}

export async function setupChain(chainId: number): Promise<TestChain> {
  const anvil = await spawnAnvil({ chainId })
  const rpcUrl = anvil.rpcUrl
  const client = createClient({ transport: http(rpcUrl), pollingInterval: 50 }).extend(publicActions)
  const test = createTestClient({ mode: 'anvil', transport: http(rpcUrl) })
  const deployer = privateKeyToAccount(ANVIL_ACCOUNTS[9]!.privateKey)
  const hash = await deployContract(client, {
    abi: txTargetAbi,
    bytecode: txTargetBytecode,
    account: deployer,
    chain: null,
  })
  const target = (await waitForTransactionReceipt(client, { hash })).contractAddress!
  let snapshot = await test.snapshot()
  const chain: TestChain = {
    chainId,
    anvil,
    rpcUrl,
    client,
    test,
    target,
    signers: ANVIL_ACCOUNTS.slice(0, 8).map((account) => privateKeyToAccount(account.privateKey)),
    outsider: privateKeyToAccount(ANVIL_ACCOUNTS[8]!.privateKey),
    async reset() {
      await chain.resume()
      await test.revert({ id: snapshot })
      snapshot = await test.snapshot()
    },
    async pause() {
      await test.setAutomine(false)
      await test.setIntervalMining({ interval: 0 })
    },
    async resume() {
      await test.setAutomine(true)
      await test.mine({ blocks: 1 })
    },
    stop: () => anvil.process.stop(),
  }
  return chain
}

/** Calldata of `act(id)`: succeeds once per id, then reverts `AlreadyDone(id)`. */
export const actData = (id: bigint): Hex =>
  encodeFunctionData({ abi: txTargetAbi, functionName: 'act', args: [id] })

/** How many times `act` succeeded on the chain, and whether `id` is done. */
export async function targetState(chain: TestChain, ids: readonly bigint[] = []) {
  const count = await chain.client.readContract({
    address: chain.target,
    abi: txTargetAbi,
    functionName: 'count',
  })
  const done = await Promise.all(
    ids.map((id) =>
      chain.client.readContract({
        address: chain.target,
        abi: txTargetAbi,
        functionName: 'done',
        args: [id],
      }),
    ),
  )
  return { count, done }
}

/**
 * A transport that passes requests to anvil, with a hook that may throw before (the request never
 * reached the node) or after (the node handled it, the answer was lost) a chosen request.
 */
export function faultyClient(
  rpcUrl: string,
  hook: (method: string, params: unknown) => 'before' | 'after' | undefined,
): Client & PublicActions {
  const base = http(rpcUrl)({ chain: undefined, retryCount: 0 })
  return createClient({
    transport: custom({
      async request({ method, params }) {
        const fault = hook(method, params)
        if (fault === 'before') throw new Error('fetch failed (injected: the request never reached the node)')
        const result = await base.request({ method, params })
        if (fault === 'after') throw new Error('fetch failed (injected: the answer was lost)')
        return result
      },
    }),
    pollingInterval: 50,
  }).extend(publicActions)
}

/** Every transaction `signer` sent, by nonce, from blocks `fromBlock`…head. */
export async function minedBy(chain: TestChain, signer: Address, fromBlock = 0n) {
  const head = await chain.client.getBlockNumber({ cacheTime: 0 })
  const found: Array<{ nonce: number; hash: Hex; to: Address | null; input: Hex; block: bigint }> = []
  for (let number = fromBlock; number <= head; number++) {
    const block = await chain.client.getBlock({ blockNumber: number, includeTransactions: true })
    for (const tx of block.transactions)
      if (tx.from.toLowerCase() === signer.toLowerCase())
        found.push({
          nonce: tx.nonce,
          hash: tx.hash,
          to: tx.to && getAddress(tx.to),
          input: tx.input,
          block: number,
        })
  }
  return found.sort((a, b) => a.nonce - b.nonce)
}
