import { mockAggregatorAbi } from '@xmargin/contracts'
import { type Hex, parseUnits } from 'viem'
import { DEMO_ACCOUNTS } from '../accounts.js'
import type { Stack } from '../stack/startStack.js'

/** Chainlink USD feeds answer with 8 decimals; the devnet's mock aggregators do too. */
const FEED_DECIMALS = 8
const SET_ANSWER_GAS = 200_000n

/**
 * Moves USD prices (e.g. `{ ETH: 2880 }`) on every chain's mock aggregators at once, as the oracle network
 * would, and resolves with the wall-clock time (ms) when the last update was mined.
 */
export async function setPrices(stack: Stack, prices: Record<string, number>): Promise<number> {
  await Promise.all(
    stack.chains.map(async (chain) => {
      const wallet = chain.wallet(DEMO_ACCOUNTS.deployer.privateKey)
      // One sender per chain: send in order (each send returns once the node has it), then await receipts.
      const hashes: Hex[] = []
      for (const [key, usd] of Object.entries(prices)) {
        const aggregator = chain.config.feeds?.[key]
        if (!aggregator) throw new Error(`no ${key} feed on chain ${chain.chainId}`)
        hashes.push(
          await wallet.writeContract({
            address: aggregator,
            abi: mockAggregatorAbi,
            functionName: 'setAnswer',
            args: [parseUnits(usd.toFixed(FEED_DECIMALS), FEED_DECIMALS)],
            // A fixed limit (setAnswer uses ~35 000): two CI runs saw an update revert while keepers were
            // sending on the same chain, most likely out of gas on an estimate made against another state.
            gas: SET_ANSWER_GAS,
          }),
        )
      }
      for (const hash of hashes) {
        const receipt = await chain.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 })
        if (receipt.status !== 'success')
          throw new Error(
            `price update ${hash} reverted on chain ${chain.chainId} (gas used ${receipt.gasUsed} of ${SET_ANSWER_GAS})`,
          )
      }
    }),
  )
  return Date.now()
}
