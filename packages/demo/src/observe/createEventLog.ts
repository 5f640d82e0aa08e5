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
  blockHash: Hex
  logIndex: number
  transactionHash: Hex
  address: Address
  /** Wall-clock ms when the demo first saw the log (it polls every `pollMs`). */
  observedAtMs: number
}

export type EventLog = {
  /** Events on the canonical chains, in the order seen (a reorg removes the ones it took out). */
  events: ObservedEvent[]
  /** Events a reorg took out, with when the demo noticed. */
  removed: Array<ObservedEvent & { removedAtMs: number }>
  /** Events named `eventName`, optionally on one chain. */
  named(eventName: string, chainId?: number): ObservedEvent[]
  /** Resolves once `predicate` holds for the events seen so far, or rejects after `timeoutMs`. */
  waitFor(predicate: (events: ObservedEvent[]) => boolean, timeoutMs: number, what: string): Promise<void>
  stop(): Promise<void>
}

/** How many blocks back a reorg is looked for once the last head seen is no longer canonical. */
const REORG_WINDOW = 64n

/**
 * Follows RiskGuard, Liquidator, Messenger and CollateralVault logs on every chain by polling `eth_getLogs`
 * every `pollMs`: the demo's narration and the latency figures come from here. When the last head it read
 * is no longer canonical, the events of the last REORG_WINDOW blocks that were taken out move to
 * `removed` and those blocks are read again.
 */
export function createEventLog(stack: Stack, parameters: { pollMs?: number } = {}): EventLog {
  const { pollMs = 20 } = parameters
  const events: ObservedEvent[] = []
  const removed: EventLog['removed'] = []
  const seen = new Set<string>()
  const idOf = (chainId: number, blockHash: Hex, logIndex: number) => `${chainId}:${blockHash}:${logIndex}`
  let running = true
  const loops = stack.chains.map(async (chain) => {
    const contracts = chain.config.contracts
    const address = [
      contracts.riskGuard,
      contracts.liquidator,
      contracts.messenger,
      contracts.collateralVault,
    ].filter((item): item is Address => item !== undefined)
    const deployBlock = BigInt(chain.config.deployBlock ?? 0)
    let from = deployBlock
    let last: { number: bigint; hash: Hex } | undefined
    while (running) {
      try {
        const head = await chain.publicClient.getBlock({ blockTag: 'latest' })
        if (last) {
          const then = await chain.publicClient.getBlock({ blockNumber: last.number }).catch(() => undefined)
          if (then?.hash !== last.hash) from = await forgetReorged(chain, last.number)
        }
        if (head.number >= from) {
          const logs = await chain.publicClient.getLogs({ address, fromBlock: from, toBlock: head.number })
          const now = Date.now()
          for (const log of parseEventLogs({ abi, logs, strict: false })) {
            const id = idOf(chain.chainId, log.blockHash, log.logIndex)
            if (seen.has(id)) continue
            seen.add(id)
            events.push({
              chainId: chain.chainId,
              eventName: log.eventName,
              args: (log.args ?? {}) as Record<string, unknown>,
              blockNumber: log.blockNumber,
              blockHash: log.blockHash,
              logIndex: log.logIndex,
              transactionHash: log.transactionHash,
              address: log.address,
              observedAtMs: now,
            })
          }
          from = head.number + 1n
          last = { number: head.number, hash: head.hash }
        }
      } catch {
        // a transient RPC error: the next poll reads the same range again
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs))
    }
  })
  /** Moves this chain's events no longer canonical to `removed`; returns the block to read again from. */
  async function forgetReorged(chain: Stack['chains'][number], lastNumber: bigint): Promise<bigint> {
    const deployBlock = BigInt(chain.config.deployBlock ?? 0)
    const floor = lastNumber - REORG_WINDOW > deployBlock ? lastNumber - REORG_WINDOW : deployBlock
    const canonical = new Map<bigint, Hex | undefined>()
    const now = Date.now()
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i]!
      if (event.chainId !== chain.chainId || event.blockNumber < floor) continue
      if (!canonical.has(event.blockNumber))
        canonical.set(
          event.blockNumber,
          (await chain.publicClient.getBlock({ blockNumber: event.blockNumber }).catch(() => undefined))
            ?.hash,
        )
      if (canonical.get(event.blockNumber) === event.blockHash) continue
      events.splice(i, 1)
      removed.push({ ...event, removedAtMs: now })
    }
    return floor
  }

  return {
    events,
    removed,
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
