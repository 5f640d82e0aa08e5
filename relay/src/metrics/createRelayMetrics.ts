import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export type RelayMetrics = ReturnType<typeof createRelayMetrics>

/**
 * The relay's Prometheus metrics (prefix `xmargin_relay_`), registered on `registry`:
 * attestations proposed / co-signed / refused / queued, quorum latency, change-to-queue latency, accounts
 * by band, permits by outcome, outstanding reservations swept or released, leadership and live signers.
 */
export function createRelayMetrics(registry: Registry) {
  const registers = [registry]
  return {
    attestationsProposed: new Counter({
      name: 'xmargin_relay_attestations_proposed_total',
      help: 'Attestations this node proposed, by job kind and trigger.',
      labelNames: ['kind', 'trigger'] as const,
      registers,
    }),
    attestationsQueued: new Counter({
      name: 'xmargin_relay_attestations_queued_total',
      help: 'Attestations queued for keepers with a quorum of signatures, by job kind.',
      labelNames: ['kind'] as const,
      registers,
    }),
    attestationsFailed: new Counter({
      name: 'xmargin_relay_attestations_failed_total',
      help: 'Attestation rounds that did not reach a quorum or could not be queued, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    cosigned: new Counter({
      name: 'xmargin_relay_cosigned_total',
      help: 'Signing requests this node verified and signed, by message type.',
      labelNames: ['type'] as const,
      registers,
    }),
    cosignRefused: new Counter({
      name: 'xmargin_relay_cosign_refused_total',
      help: 'Signing requests this node refused, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    quorumSeconds: new Histogram({
      name: 'xmargin_relay_quorum_seconds',
      help: 'Time from proposal to a quorum of signatures.',
      labelNames: ['type'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    changeToQueueSeconds: new Histogram({
      name: 'xmargin_relay_change_to_queue_seconds',
      help: 'Time from a portfolio change (event, price) being observed to its attestation being queued.',
      labelNames: ['kind'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    recomputeSeconds: new Histogram({
      name: 'xmargin_relay_recompute_seconds',
      help: 'Time to recompute one chunk of accounts.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    accountsByBand: new Gauge({
      name: 'xmargin_relay_accounts',
      help: 'Accounts by health band.',
      labelNames: ['band'] as const,
      registers,
    }),
    permits: new Counter({
      name: 'xmargin_relay_permits_total',
      help: 'Permit requests by outcome (granted, replayed, refused, failed).',
      labelNames: ['action', 'outcome'] as const,
      registers,
    }),
    reservationsReleased: new Counter({
      name: 'xmargin_relay_reservations_released_total',
      help: 'Permit reservations released, by reason (used on chain, expired).',
      labelNames: ['reason'] as const,
      registers,
    }),
    leader: new Gauge({
      name: 'xmargin_relay_leader',
      help: '1 while this node holds the leader lease.',
      registers,
    }),
    signersAlive: new Gauge({
      name: 'xmargin_relay_signers_alive',
      help: 'Distinct live signers of the current set, as this node sees them.',
      registers,
    }),
    queueJobs: new Gauge({
      name: 'xmargin_relay_queue_jobs',
      help: 'Jobs in the keeper queues this relay feeds, by queue and state (read when scraped).',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    readiness: new Gauge({
      name: 'xmargin_relay_ready',
      help: '2 ready, 1 degraded, 0 not ready.',
      registers,
    }),
  }
}
