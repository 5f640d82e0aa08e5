import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

/** Every keeper metric, on one prom-client registry (served at `/metrics`). */
export type KeeperMetrics = ReturnType<typeof createKeeperMetrics>

/** What the scrape-time gauges read (queue counts, pending transactions, signer balances). */
export type KeeperGaugeSources = {
  jobCounts(): Promise<Array<{ queue: string; state: string; count: number }>>
  pending(): Array<{ chain: string; signer: string; pending: number; oldestPendingMs: number }>
  balances(): Promise<Array<{ chain: string; signer: string; wei: bigint }>>
}

/**
 * The keeper's Prometheus metrics. Counters are incremented by handlers and engine events; the gauges
 * (`keeper_jobs`, `keeper_tx_pending`, `keeper_signer_balance_wei`) are read when scraped, from `sources`.
 *
 * @example const metrics = createKeeperMetrics(registry); metrics.liquidations.inc({ chain: '31337', outcome: 'liquidated' })
 */
export function createKeeperMetrics(registry: Registry, sources?: KeeperGaugeSources) {
  const registers = [registry]
  const liquidations = new Counter({
    name: 'keeper_liquidations_total',
    help: 'Liquidation job runs by outcome: liquidated, alreadyLiquidated, superseded, healthy, expired, staleAnchor, nothingToLiquidate, skipped, failed, retrying',
    labelNames: ['chain', 'outcome'],
    registers,
  })
  const liquidationSkipped = new Counter({
    name: 'keeper_liquidation_skipped_total',
    help: 'Liquidations not sent now, by reason (unprofitable, oracleUnavailable); the job is looked at again later',
    labelNames: ['chain', 'reason'],
    registers,
  })
  const liquidationProfit = new Histogram({
    name: 'keeper_liquidation_profit_usd',
    help: 'Expected profit (reward − gas − LayerZero fees, USD) of every liquidation decision',
    labelNames: ['chain', 'decision'],
    buckets: [-100, -10, -1, -0.1, 0, 0.1, 1, 10, 100, 1_000],
    registers,
  })
  const liquidationRewardUsd = new Counter({
    name: 'keeper_liquidation_reward_usd_total',
    help: 'Keeper rewards earned by mined liquidations (USD, from the Liquidated event)',
    labelNames: ['chain'],
    registers,
  })
  const liquidationCostUsd = new Counter({
    name: 'keeper_liquidation_cost_usd_total',
    help: 'Gas and LayerZero fees paid by mined liquidations (USD at the oracle native price)',
    labelNames: ['chain'],
    registers,
  })
  const attestations = new Counter({
    name: 'keeper_attestations_total',
    help: 'Attestation posts by outcome: posted, alreadyPosted, superseded, expired, failed',
    labelNames: ['chain', 'outcome'],
    registers,
  })
  const jobRuns = new Counter({
    name: 'keeper_job_runs_total',
    help: 'Job runs by queue and outcome (completed, alreadyDone, retrying, failed, rateLimited, stalled)',
    labelNames: ['queue', 'outcome'],
    registers,
  })
  const txEvents = new Counter({
    name: 'keeper_tx_events_total',
    help: 'Transaction engine events by type (broadcast, rebroadcast, replaced, cancelled, dropped, gapFilled, …)',
    labelNames: ['chain', 'type'],
    registers,
  })
  const txReplaced = new Counter({
    name: 'keeper_tx_replaced_total',
    help: 'Stuck transactions replaced at a higher fee',
    labelNames: ['chain'],
    registers,
  })
  const txCancelled = new Counter({
    name: 'keeper_tx_cancelled_total',
    help: 'Transactions replaced by a cancellation that was mined',
    labelNames: ['chain'],
    registers,
  })
  const nonceGaps = new Counter({
    name: 'keeper_nonce_gaps_total',
    help: 'Nonce gaps filled with a 0-value self-transfer',
    labelNames: ['chain'],
    registers,
  })
  const lzPackets = new Counter({
    name: 'keeper_lz_packets_total',
    help: 'LayerZero delivery runs by outcome (delivered, alreadyExecuted, waiting, failed)',
    labelNames: ['src', 'dst', 'outcome'],
    registers,
  })
  const lzObserved = new Counter({
    name: 'keeper_lz_packets_observed_total',
    help: 'PacketSent events of our Messengers turned into delivery jobs',
    labelNames: ['src', 'dst'],
    registers,
  })
  const ingestLagBlocks = new Gauge({
    name: 'keeper_lz_watcher_block',
    help: 'Last block the PacketSent watcher processed, per source chain this process leads',
    labelNames: ['chain'],
    registers,
  })
  new Gauge({
    name: 'keeper_jobs',
    help: 'Jobs by queue and state (waiting, active, delayed, prioritized, completed, failed)',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      if (!sources) return
      this.reset()
      for (const sample of await sources.jobCounts().catch(() => []))
        this.set({ queue: sample.queue, state: sample.state }, sample.count)
    },
  })
  new Gauge({
    name: 'keeper_tx_pending',
    help: 'Transactions sent and not yet mined, per chain and held signer',
    labelNames: ['chain', 'signer'],
    registers,
    collect() {
      if (!sources) return
      this.reset()
      for (const sample of sources.pending())
        this.set({ chain: sample.chain, signer: sample.signer }, sample.pending)
    },
  })
  new Gauge({
    name: 'keeper_tx_oldest_pending_seconds',
    help: 'Age of the oldest unmined transaction, per chain and held signer',
    labelNames: ['chain', 'signer'],
    registers,
    collect() {
      if (!sources) return
      this.reset()
      for (const sample of sources.pending())
        this.set({ chain: sample.chain, signer: sample.signer }, sample.oldestPendingMs / 1_000)
    },
  })
  new Gauge({
    name: 'keeper_signer_balance_wei',
    help: 'Native balance of every configured signer, per chain (alert before it cannot pay gas)',
    labelNames: ['chain', 'signer'],
    registers,
    async collect() {
      if (!sources) return
      this.reset()
      for (const sample of await sources.balances().catch(() => []))
        this.set({ chain: sample.chain, signer: sample.signer }, Number(sample.wei))
    },
  })
  return {
    registry,
    liquidations,
    liquidationSkipped,
    liquidationProfit,
    liquidationRewardUsd,
    liquidationCostUsd,
    attestations,
    jobRuns,
    txEvents,
    txReplaced,
    txCancelled,
    nonceGaps,
    lzPackets,
    lzObserved,
    ingestLagBlocks,
  }
}
