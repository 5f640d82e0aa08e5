import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

/**
 * Prometheus metrics of the RPC layer. Endpoints are labelled by their redacted URL (`redactUrl`), never
 * with credentials.
 */
export type RpcMetrics = {
  /** Requests sent to an endpoint, by outcome: `ok`, `reverted` (the request's fault), `failed`. */
  requests: Counter<'chain_id' | 'endpoint' | 'method' | 'outcome'>
  /** Endpoint failures by kind (`timeout`, `network`, `http`, `rateLimited`, `lagging`, `rpc`). */
  errors: Counter<'chain_id' | 'endpoint' | 'kind'>
  /** Request latency per endpoint (seconds). */
  duration: Histogram<'chain_id' | 'endpoint'>
  /** Requests that moved on to another endpoint after a failure. */
  failovers: Counter<'chain_id'>
  /** Seconds spent waiting for the endpoint's rate limit. */
  rateLimitWait: Counter<'chain_id' | 'endpoint'>
  /** Current ranking score (0..1) of each endpoint. */
  score: Gauge<'chain_id' | 'endpoint'>
  /** Blocks an endpoint's head is behind the best head seen by the ranker's pings. */
  headLag: Gauge<'chain_id' | 'endpoint'>
}

const byRegistry = new WeakMap<Registry, RpcMetrics>()

/**
 * The RPC metrics registered in `registry`, created once per registry (every chain shares them, told apart
 * by the `chain_id` label).
 *
 * @example const metrics = createRpcMetrics(new Registry())
 */
export function createRpcMetrics(registry: Registry): RpcMetrics {
  const existing = byRegistry.get(registry)
  if (existing) return existing
  const registers = [registry]
  const metrics: RpcMetrics = {
    requests: new Counter({
      name: 'xmargin_rpc_requests_total',
      help: 'JSON-RPC requests sent, by endpoint, method and outcome (ok, reverted, failed).',
      labelNames: ['chain_id', 'endpoint', 'method', 'outcome'] as const,
      registers,
    }),
    errors: new Counter({
      name: 'xmargin_rpc_errors_total',
      help: 'Endpoint failures by kind (timeout, network, http, rateLimited, lagging, rpc).',
      labelNames: ['chain_id', 'endpoint', 'kind'] as const,
      registers,
    }),
    duration: new Histogram({
      name: 'xmargin_rpc_request_duration_seconds',
      help: 'JSON-RPC request latency per endpoint.',
      labelNames: ['chain_id', 'endpoint'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    failovers: new Counter({
      name: 'xmargin_rpc_failovers_total',
      help: 'Requests retried on another endpoint after a failure.',
      labelNames: ['chain_id'] as const,
      registers,
    }),
    rateLimitWait: new Counter({
      name: 'xmargin_rpc_rate_limit_wait_seconds_total',
      help: 'Seconds requests waited for the per-endpoint rate limit.',
      labelNames: ['chain_id', 'endpoint'] as const,
      registers,
    }),
    score: new Gauge({
      name: 'xmargin_rpc_endpoint_score',
      help: 'Ranking score of each endpoint (0..1): 0.7 stability + 0.3 latency over recent samples.',
      labelNames: ['chain_id', 'endpoint'] as const,
      registers,
    }),
    headLag: new Gauge({
      name: 'xmargin_rpc_head_lag_blocks',
      help: "Blocks an endpoint's head is behind the best head seen by the ranking pings.",
      labelNames: ['chain_id', 'endpoint'] as const,
      registers,
    }),
  }
  byRegistry.set(registry, metrics)
  return metrics
}
