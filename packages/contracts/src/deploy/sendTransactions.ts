import type { Account, Chain, Client, Hash, LocalAccount, TransactionReceipt, Transport } from 'viem'
import { getTransactionReceipt, sendRawTransaction, waitForTransactionReceipt } from 'viem/actions'
import { DeployError } from './errors.js'
import type { PlannedTransaction } from './planChainDeployment.js'

export type SendTransactionsParameters = {
  account: LocalAccount
  chainId: number
  /** Nonce of the first transaction; the others follow in order. */
  firstNonce: number
  gasPrice: bigint
  transactions: readonly PlannedTransaction[]
  /** How long to wait for the last receipt. Default 60 s. */
  timeoutMs?: number | undefined
}

/**
 * Signs `transactions` with consecutive nonces and sends them in nonce order without waiting for receipts,
 * then waits for the last receipt and checks every one.
 *
 * @example const receipts = await sendTransactions(client, { account, chainId, firstNonce, gasPrice, transactions })
 */
export async function sendTransactions(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: SendTransactionsParameters,
): Promise<TransactionReceipt[]> {
  const { account, chainId, firstNonce, gasPrice, transactions } = parameters
  if (transactions.length === 0) return []
  const signed = await Promise.all(
    transactions.map((transaction, i) =>
      account.signTransaction({
        type: 'legacy',
        chainId,
        nonce: firstNonce + i,
        gas: transaction.gas,
        gasPrice,
        data: transaction.data,
        value: transaction.value,
        ...(transaction.to ? { to: transaction.to } : {}),
      }),
    ),
  )
  // One after the other (the sends only, no receipt waits): sent at once, a higher nonce can reach anvil
  // before a lower one, and anvil's automine then now and then leaves the queued one pending.
  const hashes: Hash[] = []
  for (const serializedTransaction of signed)
    hashes.push(await sendRawTransaction(client, { serializedTransaction }))
  const last = hashes[hashes.length - 1]!
  await waitForTransactionReceipt(client, {
    hash: last,
    pollingInterval: 20,
    timeout: parameters.timeoutMs ?? 60_000,
  })
  const receipts = await Promise.all(hashes.map((hash) => getTransactionReceipt(client, { hash })))
  receipts.forEach((receipt, i) => {
    if (receipt.status !== 'success')
      throw new DeployError(`deployXmargin: "${transactions[i]!.label}" reverted on chain ${chainId}`, {
        details: `transaction ${receipt.transactionHash} (nonce ${firstNonce + i}, gas used ${receipt.gasUsed} of ${transactions[i]!.gas})`,
      })
  })
  return receipts
}
