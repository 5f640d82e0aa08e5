import { liquidatorAbi } from '@xmargin/contracts'
import type { Address } from 'viem'
import type { TestChain } from './setupKeeperDevnet.js'

/** Every `Liquidated` event on the chain (optionally of one account), oldest first. */
export async function liquidatedEvents(chain: TestChain, account?: Address) {
  return chain.publicClient.getContractEvents({
    address: chain.contracts.liquidator,
    abi: liquidatorAbi,
    eventName: 'Liquidated',
    fromBlock: 0n,
    ...(account ? { args: { account } } : {}),
  })
}

/** `Liquidated` events per `(account, sequence)`: exactly-once means every count is 1. */
export async function liquidationCounts(chain: TestChain): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const event of await liquidatedEvents(chain)) {
    const key = `${event.args.account}-${event.args.sequence}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

/** Nonce contiguity of a signer: no gap between what the chain mined and what it holds pending. */
export async function nonceState(chain: TestChain, signer: Address) {
  const [latest, pending, pool] = await Promise.all([
    chain.publicClient.getTransactionCount({ address: signer, blockTag: 'latest' }),
    chain.publicClient.getTransactionCount({ address: signer, blockTag: 'pending' }),
    chain.publicClient.request({ method: 'txpool_status' } as never) as Promise<{
      pending: string
      queued: string
    }>,
  ])
  return { latest, pending, pool }
}
