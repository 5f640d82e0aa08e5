import { z } from 'zod'

/**
 * The RPC policy of one chain: how the wrapped transport retries, fails over, ranks and rate-limits its
 * endpoints. Every field has a default, so `{}` is a valid policy.
 */
export const rpcPolicySchema = z.strictObject({
  /** Per-request timeout (ms); a stalled endpoint fails over after this. Default 10 000. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Further rounds over every endpoint after a round where all failed. Default 2. */
  retryRounds: z.number().int().min(0).max(10).default(2),
  /** Backoff before the first further round (ms), doubling each round, equal jitter. Default 100. */
  backoffBaseMs: z.number().int().min(0).default(100),
  /** Longest backoff between rounds (ms). Default 2 000. */
  backoffMaxMs: z.number().int().min(0).default(2_000),
  /** Sustained requests per second per endpoint (token bucket). Default 200. */
  ratePerSecond: z.number().positive().default(200),
  /** Token-bucket burst per endpoint (requests). Default 400. */
  burst: z.number().int().positive().default(400),
  /** Requests in flight per endpoint at most. Default 16. */
  maxConcurrent: z.number().int().positive().default(16),
  /** How long a rate-limited (429) endpoint is skipped when another is available (ms). Default 1 000. */
  rateLimitCooldownMs: z.number().int().min(0).default(1_000),
  /** Ranking of endpoints from live traffic and periodic pings. */
  rank: z
    .strictObject({
      /** Ping every endpoint (`eth_blockNumber`) this often (ms); 0 ranks from live traffic only. Default 10 000. */
      intervalMs: z.number().int().min(0).default(10_000),
      /** Recent samples per endpoint the score uses. Default 20. */
      sampleCount: z.number().int().positive().default(20),
      /** Weight of the success share in the score. Default 0.7. */
      stabilityWeight: z.number().min(0).default(0.7),
      /** Weight of the latency score. Default 0.3. */
      latencyWeight: z.number().min(0).default(0.3),
    })
    .prefault({}),
})

export type RpcPolicy = z.infer<typeof rpcPolicySchema>
export type RpcPolicyInput = z.input<typeof rpcPolicySchema>
