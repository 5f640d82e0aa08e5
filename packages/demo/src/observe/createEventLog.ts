import { collateralVaultAbi, liquidatorAbi, messengerAbi, riskGuardAbi } from '@xmargin/contracts'
import { type Address, type Hex, parseEventLogs } from 'viem'
import type { Stack } from '../stack/startStack.js'

const abi = [...riskGuardAbi, ...liquidatorAbi, ...messengerAbi, ...collateralVaultAbi]

/** An event of our contracts, as seen by the demo (decoded, with when it was first observed). */
export type ObservedEvent = {
  chainId: number
  eventName: string
  args: Record<string, unknown>
  blockNumber: bigint
  logIndex: number
  transactionHash: Hex
  address: Address
  /** Wall-clock ms when the demo first saw the log (it polls every `pollMs`). */
  observedAtMs: number
}

export type EventLog = {
  events: ObservedEvent[]
  /** Events named `eventName`, optionally on one chain. */
  named(eventName: string, chainId?: number): ObservedEvent[]
  /** Resolves once `predicate` holds for the events seen so far, or rejects after `timeoutMs`. */
  waitFor(predicate: (events: ObservedEvent[]) => boolean, timeoutMs: number, what: string): Promise<void>
  stop(): Promise<void>
}

/**
 * Follows RiskGuard, Liquidator, Messenger and CollateralVault logs on every chain by polling `eth_getLogs`
 * every `pollMs`: the demo's narration and the latency figures come from here.
 */
export function createEventLog(stack: Stack, parameters: { pollMs?: number } = {}): EventLog {
  const { pollMs = 20 } = parameters
  const events: ObservedEvent[] = []
  let running = true
  const loops = stack.chains.map(async (chain) => {
    const contracts = chain.config.contracts
    const address = [
      contracts.riskGuard,
      contracts.liquidator,
      contracts.messenger,
      contracts.collateralVault,
    ].filter((item): item is Address => item !== undefined)
    let from = BigInt(chain.config.deployBlock ?? 0)
    while (running) {
      try {
        const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 })
        if (head >= from) {
          const logs = await chain.publicClient.getLogs({ address, fromBlock: from, toBlock: head })
          const now = Date.now()
          for (const log of parseEventLogs({ abi, logs, strict: false })) {
            events.push({
              chainId: chain.chainId,
              eventName: log.eventName,
              args: (log.args ?? {}) as Record<string, unknown>,
              blockNumber: log.blockNumber,
              logIndex: log.logIndex,
              transactionHash: log.transactionHash,
              address: log.address,
              observedAtMs: now,
            })
          }
          from = head + 1n
        }
      } catch {
        // a transient RPC error: the next poll reads the same range again
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs))
    }
  })
  return {
    events,
    named: (eventName, chainId) =>
      events.filter(
        (event) => event.eventName === eventName && (chainId === undefined || event.chainId === chainId),
      ),
    async waitFor(predicate, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs
      while (!predicate(events)) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
        await new Promise((resolve) => setTimeout(resolve, pollMs))
      }
    },
    async stop() {
      running = false
      await Promise.all(loops)
    },
  }
}
