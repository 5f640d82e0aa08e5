import { collateralVaultAbi, mockERC20Abi, multicall3Abi } from '@xmargin/contracts'
import {
  type Account,
  type Address,
  type Chain,
  encodeFunctionData,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem'

/** Deposits per `aggregate3` transaction (each ~80 k gas: the block gas limit of 30 M holds ~350). */
export const DEPOSITS_PER_TRANSACTION = 250

export type SeedDepositsParameters = {
  wallet: WalletClient<Transport, Chain, Account>
  publicClient: PublicClient<Transport, Chain>
  multicall3: Address
  vault: Address
  /** A mock token with an open `mint`. */
  token: Address
  deposits: ReadonlyArray<{ account: Address; amount: bigint }>
  onProgress?: ((done: number, total: number) => void) | undefined
}

/**
 * Credits many accounts in few transactions: Multicall3 mints the mock token to itself, approves the vault
 * and calls `deposit(token, amount, account)` for each account (deposits are open to anyone, for any
 * account). Transactions are sent back to back, then their receipts awaited.
 */
export async function seedDeposits(parameters: SeedDepositsParameters): Promise<{ transactions: number }> {
  const { wallet, publicClient, multicall3, vault, token, deposits } = parameters
  const hashes: `0x${string}`[] = []
  for (let start = 0; start < deposits.length; start += DEPOSITS_PER_TRANSACTION) {
    const chunk = deposits.slice(start, start + DEPOSITS_PER_TRANSACTION)
    const total = chunk.reduce((sum, deposit) => sum + deposit.amount, 0n)
    const calls = [
      {
        target: token,
        allowFailure: false,
        callData: encodeFunctionData({ abi: mockERC20Abi, functionName: 'mint', args: [multicall3, total] }),
      },
      {
        target: token,
        allowFailure: false,
        callData: encodeFunctionData({ abi: mockERC20Abi, functionName: 'approve', args: [vault, total] }),
      },
      ...chunk.map((deposit) => ({
        target: vault,
        allowFailure: false,
        callData: encodeFunctionData({
          abi: collateralVaultAbi,
          functionName: 'deposit',
          args: [token, deposit.amount, deposit.account],
        }),
      })),
    ]
    hashes.push(
      await wallet.writeContract({
        address: multicall3,
        abi: multicall3Abi,
        functionName: 'aggregate3',
        args: [calls],
        gas: 29_000_000n,
      }),
    )
    parameters.onProgress?.(Math.min(start + chunk.length, deposits.length), deposits.length)
  }
  for (const hash of hashes) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new Error(`deposit batch ${hash} reverted`)
  }
  return { transactions: hashes.length }
}
