import { redactUrl } from '@xmargin/errors'
import { Registry } from 'prom-client'
import type { EIP1193RequestFn, Transport } from 'viem'
import { QueryTooLargeError, RpcUnavailableError } from '../errors.js'
import { backoffDelay } from './backoffDelay.js'
import { classifyRpcError, isFailoverKind, type RpcFailureKind } from './classifyRpcError.js'
import { createJsonRpcHttp, type JsonRpcHttp } from './createJsonRpcHttp.js'
import { createRpcMetrics } from './createRpcMetrics.js'
import { type EndpointSample, rankEndpoints, scoreEndpoints } from './rankEndpoints.js'
import { type RpcPolicyInput, rpcPolicySchema } from './rpcPolicySchema.js'
import { scrubError } from './scrubError.js'
import { fullBucket, reserveToken, type TokenBucketState } from './tokenBucket.js'

export type CreateRpcTransportParameters = {
  chainId: number
  /** HTTP(S) endpoints, in order of preference until ranking knows better. */
  urls: readonly string[]
  /** Retry, timeout, rate-limit and ranking settings; defaults in `rpcPolicySchema`. */
  policy?: RpcPolicyInput | undefined
  /** Where the `xmargin_rpc_*` metrics go. Default: a private registry. */
  registry?: Registry | undefined
}

/** What the transport knows about one endpoint (URL redacted). */
export type EndpointStatus = {
  index: number
  endpoint: string
  score: number
  requests: number
  failures: number
  lastError: RpcFailureKind | undefined
  headBlock: bigint | undefined
}

export type RpcTransport = {
  /** The viem transport: give it to `createPublicClient` or a wagmi config. */
  transport: Transport<'xmarginRpc'>
  /** Endpoints best first, as the next request would try them. */
  status(): EndpointStatus[]
  /** HTTP requests sent so far, every attempt counted (a JSON-RPC batch would count once). */
  requestCount(): number
  /** Stops the ranking pings and closes idle sockets. Requests still work afterwards (new sockets). */
  close(): void
}

type Endpoint = {
  index: number
  url: string
  label: string
  http: JsonRpcHttp
  bucket: TokenBucketState
  inFlight: number
  waiters: Array<() => void>
  samples: EndpointSample[]
  requests: number
  failures: number
  lastError: RpcFailureKind | undefined
  cooldownUntilMs: number
  headBlock: bigint | undefined
}

/**
 * The RPC policy as one viem transport: several endpoints ranked by recent stability and latency (live
 * traffic and periodic pings), each behind a token-bucket rate limit and a concurrency cap, failover on
 * endpoint faults, rounds of retries with jittered exponential backoff, per-endpoint metrics, and URLs
 * redacted in every error it throws.
 *
 * Why not viem's `fallback({ rank })`: its ranking loop re-arms a timer forever with no way to stop it, so a
 * service (or a test run) could never exit; and it ranks from pings only. The scoring formula is the same.
 *
 * @example
 * const rpc = createRpcTransport({ chainId: 1, urls: [a, b], registry })
 * const client = createPublicClient({ transport: rpc.transport })
 * // … on shutdown
 * rpc.close()
 */
export function createRpcTransport(parameters: CreateRpcTransportParameters): RpcTransport {
  const policy = rpcPolicySchema.parse(parameters.policy ?? {})
  const chainLabel = String(parameters.chainId)
  const metrics = createRpcMetrics(parameters.registry ?? new Registry())
  const weights = { stability: policy.rank.stabilityWeight, latency: policy.rank.latencyWeight }
  const bucketConfig = { ratePerSecond: policy.ratePerSecond, burst: policy.burst }
  let totalRequests = 0

  if (parameters.urls.length === 0) throw new RpcUnavailableError(`chain ${chainLabel} has no RPC URL`)
  const endpoints: Endpoint[] = parameters.urls.map((url, index) => ({
    index,
    url,
    label: redactUrl(url),
    http: createJsonRpcHttp(url, {
      timeoutMs: policy.timeoutMs,
      maxSockets: policy.maxConcurrent,
      onRequest: () => {
        totalRequests++
      },
    }),
    bucket: fullBucket(bucketConfig, Date.now()),
    inFlight: 0,
    waiters: [],
    samples: [],
    requests: 0,
    failures: 0,
    lastError: undefined,
    cooldownUntilMs: 0,
    headBlock: undefined,
  }))

  const record = (endpoint: Endpoint, sample: EndpointSample) => {
    endpoint.samples.push(sample)
    if (endpoint.samples.length > policy.rank.sampleCount) endpoint.samples.shift()
  }
  const publishScores = () => {
    const scores = scoreEndpoints(
      endpoints.map((endpoint) => endpoint.samples),
      weights,
    )
    for (const endpoint of endpoints)
      metrics.score.set({ chain_id: chainLabel, endpoint: endpoint.label }, scores[endpoint.index] ?? 0)
  }
  const order = (): Endpoint[] => {
    const ranked = rankEndpoints(
      endpoints.map((endpoint) => endpoint.samples),
      weights,
    ).map((index) => endpoints[index]!)
    // A rate-limited endpoint goes last while it cools down.
    const now = Date.now()
    return [
      ...ranked.filter((endpoint) => endpoint.cooldownUntilMs <= now),
      ...ranked.filter((endpoint) => endpoint.cooldownUntilMs > now),
    ]
  }

  const acquire = async (endpoint: Endpoint) => {
    const reserved = reserveToken(endpoint.bucket, Date.now(), bucketConfig)
    endpoint.bucket = reserved.state
    if (reserved.waitMs > 0) {
      metrics.rateLimitWait.inc({ chain_id: chainLabel, endpoint: endpoint.label }, reserved.waitMs / 1_000)
      await sleep(reserved.waitMs)
    }
    if (endpoint.inFlight >= policy.maxConcurrent)
      await new Promise<void>((resolve) => endpoint.waiters.push(resolve))
    endpoint.inFlight++
  }
  const release = (endpoint: Endpoint) => {
    endpoint.inFlight--
    endpoint.waiters.shift()?.()
  }

  const attempt = async (endpoint: Endpoint, method: string, params: unknown) => {
    await acquire(endpoint)
    const started = performance.now()
    endpoint.requests++
    try {
      const result = await endpoint.http.request({ method, params })
      const latencyMs = performance.now() - started
      record(endpoint, { ok: true, latencyMs })
      metrics.requests.inc({ chain_id: chainLabel, endpoint: endpoint.label, method, outcome: 'ok' })
      metrics.duration.observe({ chain_id: chainLabel, endpoint: endpoint.label }, latencyMs / 1_000)
      return { ok: true as const, result }
    } catch (error) {
      const latencyMs = performance.now() - started
      scrubError(error, endpoint.url)
      const kind = classifyRpcError(error)
      metrics.duration.observe({ chain_id: chainLabel, endpoint: endpoint.label }, latencyMs / 1_000)
      if (!isFailoverKind(kind)) {
        // The node answered; the request was at fault. The endpoint is healthy.
        record(endpoint, { ok: true, latencyMs })
        metrics.requests.inc({ chain_id: chainLabel, endpoint: endpoint.label, method, outcome: 'reverted' })
        return { ok: false as const, final: true, kind, error }
      }
      endpoint.failures++
      endpoint.lastError = kind
      record(endpoint, { ok: false, latencyMs })
      metrics.requests.inc({ chain_id: chainLabel, endpoint: endpoint.label, method, outcome: 'failed' })
      metrics.errors.inc({ chain_id: chainLabel, endpoint: endpoint.label, kind })
      if (kind === 'rateLimited') endpoint.cooldownUntilMs = Date.now() + policy.rateLimitCooldownMs
      return { ok: false as const, final: false, kind, error }
    } finally {
      release(endpoint)
    }
  }

  const request = (async ({ method, params }: { method: string; params?: unknown }) => {
    const failures: string[] = []
    let lastError: unknown
    for (let round = 0; round <= policy.retryRounds; round++) {
      if (round > 0)
        await sleep(backoffDelay(round - 1, { baseMs: policy.backoffBaseMs, maxMs: policy.backoffMaxMs }))
      const tries = order()
      for (const [i, endpoint] of tries.entries()) {
        const outcome = await attempt(endpoint, method, params)
        if (outcome.ok) {
          publishScores()
          return outcome.result
        }
        if (outcome.final) {
          if (outcome.kind === 'tooLarge')
            throw new QueryTooLargeError(`${method} too large for ${endpoint.label} (chain ${chainLabel})`, {
              details: firstLine(outcome.error),
              cause: outcome.error,
            })
          throw outcome.error
        }
        lastError = outcome.error
        failures.push(`round ${round + 1}: ${endpoint.label} ${outcome.kind}: ${firstLine(outcome.error)}`)
        if (i < tries.length - 1 || round < policy.retryRounds)
          metrics.failovers.inc({ chain_id: chainLabel })
      }
      publishScores()
    }
    throw new RpcUnavailableError(`${method} failed on every endpoint of chain ${chainLabel}`, {
      details: failures.join('\n'),
      cause: lastError,
    })
  }) as EIP1193RequestFn

  const ping = async () => {
    const heads = await Promise.all(
      endpoints.map(async (endpoint) => {
        const started = performance.now()
        try {
          const head = BigInt((await endpoint.http.request({ method: 'eth_blockNumber' })) as string)
          record(endpoint, { ok: true, latencyMs: performance.now() - started })
          endpoint.headBlock = head
          return head
        } catch (error) {
          scrubError(error, endpoint.url)
          const kind = classifyRpcError(error)
          endpoint.failures++
          endpoint.lastError = kind
          record(endpoint, { ok: false, latencyMs: performance.now() - started })
          metrics.errors.inc({ chain_id: chainLabel, endpoint: endpoint.label, kind })
          return undefined
        }
      }),
    )
    const best = heads.reduce<bigint>((max, head) => (head !== undefined && head > max ? head : max), 0n)
    for (const endpoint of endpoints) {
      const head = heads[endpoint.index]
      if (head !== undefined)
        metrics.headLag.set({ chain_id: chainLabel, endpoint: endpoint.label }, Number(best - head))
    }
    publishScores()
  }
  let pinging = false
  const timer =
    policy.rank.intervalMs > 0 && endpoints.length > 1
      ? setInterval(() => {
          if (pinging) return
          pinging = true
          ping().finally(() => {
            pinging = false
          })
        }, policy.rank.intervalMs)
      : undefined
  timer?.unref()

  const transport: Transport<'xmarginRpc'> = () => ({
    config: {
      key: 'xmarginRpc',
      name: `xmargin RPC policy (chain ${chainLabel})`,
      request,
      retryCount: 0,
      retryDelay: 0,
      timeout: policy.timeoutMs,
      type: 'xmarginRpc',
    },
    request,
    value: undefined,
  })

  return {
    transport,
    status: () => {
      const scores = scoreEndpoints(
        endpoints.map((endpoint) => endpoint.samples),
        weights,
      )
      return order().map((endpoint) => ({
        index: endpoint.index,
        endpoint: endpoint.label,
        score: scores[endpoint.index] ?? 0,
        requests: endpoint.requests,
        failures: endpoint.failures,
        lastError: endpoint.lastError,
        headBlock: endpoint.headBlock,
      }))
    },
    requestCount: () => totalRequests,
    close: () => {
      if (timer) clearInterval(timer)
      for (const endpoint of endpoints) endpoint.http.close()
    },
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function firstLine(error: unknown): string {
  const text =
    error && typeof error === 'object' && 'shortMessage' in error && typeof error.shortMessage === 'string'
      ? error.shortMessage
      : error instanceof Error
        ? error.message
        : String(error)
  return text.split('\n')[0] ?? ''
}
