import type { Address, Client } from 'viem'
import { getTransactionCount } from 'viem/actions'

export type NonceWatcher = {
  /**
   * Resolves once the signer's mined nonce count passes `nonce` (the nonce is used on chain), or after
   * `maxWaitMs` so the caller can look at its record again. However many wait, the watcher makes one
   * `eth_getTransactionCount` per signer per interval.
   */
  until(signer: Address, nonce: number, maxWaitMs: number): Promise<void>
}

type Waiter = { nonce: number; resolve(): void; timer: NodeJS.Timeout }

/** Shared polling of mined nonce counts for everyone waiting on receipts in this process. */
export function createNonceWatcher(parameters: { client: Client; intervalMs: number }): NonceWatcher {
  const { client, intervalMs } = parameters
  const waiters = new Map<Address, Set<Waiter>>()
  let timer: NodeJS.Timeout | undefined

  const poll = async () => {
    timer = undefined
    await Promise.all(
      [...waiters.entries()].map(async ([signer, set]) => {
        try {
          const latest = await getTransactionCount(client, { address: signer, blockTag: 'latest' })
          for (const waiter of set) if (waiter.nonce < latest) settle(signer, waiter)
        } catch {
          // the node did not answer: try again next interval; waiters time out on their own
        }
      }),
    )
    schedule()
  }
  const schedule = () => {
    if (!timer && waiters.size > 0) timer = setTimeout(poll, intervalMs)
  }
  const settle = (signer: Address, waiter: Waiter) => {
    clearTimeout(waiter.timer)
    const set = waiters.get(signer)
    set?.delete(waiter)
    if (set?.size === 0) waiters.delete(signer)
    waiter.resolve()
  }

  return {
    until(signer, nonce, maxWaitMs) {
      return new Promise<void>((resolve) => {
        const key = signer.toLowerCase() as Address
        const waiter: Waiter = { nonce, resolve, timer: setTimeout(() => settle(key, waiter), maxWaitMs) }
        const set = waiters.get(key) ?? new Set<Waiter>()
        waiters.set(key, set)
        set.add(waiter)
        schedule()
      })
    },
  }
}
