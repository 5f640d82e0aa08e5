import type { z } from 'zod'
import { ApiRequestError, ApiResponseError, ApiUnavailableError } from './errors.js'
import { createSseParser } from './parseSse.js'
import { type AttestationRecord, attestationRecordSchema } from './schemas/attestations.js'
import { errorBodySchema } from './schemas/common.js'
import {
  type AccountHealthView,
  accountHealthViewSchema,
  type PortfolioView,
  portfolioViewSchema,
} from './schemas/health.js'
import { type Readiness, readinessSchema } from './schemas/node.js'
import {
  type PermitRecord,
  type PermitRequest,
  type PermitResponse,
  permitRecordSchema,
  permitResponseSchema,
} from './schemas/permits.js'
import { type SimulateRequest, type SimulateResponse, simulateResponseSchema } from './schemas/simulate.js'
import { type HealthEvent, healthEventSchema } from './schemas/stream.js'

export type XmarginClientParameters = {
  /** The relay's base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string
  /** A `fetch` implementation; default the global one. */
  fetch?: typeof fetch | undefined
  /** Per-request timeout (ms) of the non-streaming calls. Default 10 000. */
  timeoutMs?: number | undefined
}

export type StreamHealthParameters = {
  /** Follow only these accounts; default every account. */
  accounts?: readonly string[] | undefined
  onEvent: (event: HealthEvent, id: string | undefined) => void
  /** Abort to stop streaming; `streamHealth` then resolves. */
  signal: AbortSignal
  /** Resume after this event id (the relay replays its recent history). */
  lastEventId?: string | undefined
  /** Reconnect after the connection drops, resuming from the last id. Default true. */
  reconnect?: boolean | undefined
  /** Wait between reconnects (ms). Default 1 000. */
  reconnectDelayMs?: number | undefined
  /** Called once per connection when the relay accepted the stream. */
  onOpen?: (() => void) | undefined
}

export type XmarginClient = {
  /** The account's unified health (`GET /v1/accounts/{account}/health`). */
  health(account: string): Promise<AccountHealthView>
  /** Holdings on every chain and the XPM-1 input (`GET /v1/accounts/{account}/portfolio`). */
  portfolio(account: string): Promise<PortfolioView>
  /** A what-if (`POST /v1/simulate`). */
  simulate(body: SimulateRequest): Promise<SimulateResponse>
  /** A margin permit (`POST /v1/permits`); a refusal throws `ApiRequestError` with `code` and `body`. */
  requestPermit(body: PermitRequest): Promise<PermitResponse>
  /** A stored permit (`GET /v1/permits/{nonce}?account=`). */
  permit(account: string, nonce: bigint | string): Promise<PermitRecord>
  /** One attestation round (`GET /v1/attestations/{account}/{sequence}`). */
  attestation(account: string, sequence: bigint | string): Promise<AttestationRecord>
  /** One attestation round by the digest of any of its attestations. */
  attestationByDigest(digest: string): Promise<AttestationRecord>
  /** `GET /readyz` whatever its status (200, 206 and 503 all carry the body). */
  readiness(): Promise<{ status: number; body: Readiness }>
  /** Follows `GET /v1/stream/health` until `signal` aborts. */
  streamHealth(parameters: StreamHealthParameters): Promise<void>
}

/**
 * A typed client of the relay API; every answer is validated against the API schema.
 *
 * @example
 * const client = createXmarginClient({ baseUrl: 'http://127.0.0.1:8080' })
 * const { band, health } = await client.health('0x90F79bf6EB2c4f870365E785982E1f101E93b906')
 */
export function createXmarginClient(parameters: XmarginClientParameters): XmarginClient {
  const base = parameters.baseUrl.replace(/\/+$/, '')
  const fetchFn = parameters.fetch ?? globalThis.fetch
  const timeoutMs = parameters.timeoutMs ?? 10_000

  async function call<schema extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: schema,
    body?: unknown,
    accept: readonly number[] = [],
  ): Promise<{ status: number; body: z.infer<schema> }> {
    let response: Response
    try {
      response = await fetchFn(`${base}${path}`, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (cause) {
      throw new ApiUnavailableError(`${method} ${path}: the relay did not answer`, { cause })
    }
    const text = await response.text().catch(() => '')
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    if (!response.ok && !accept.includes(response.status)) throw errorFor(method, path, response.status, json)
    const parsed = schema.safeParse(json)
    if (!parsed.success)
      throw new ApiResponseError(`${method} ${path}: unexpected answer (HTTP ${response.status})`, {
        details: parsed.error.issues
          .slice(0, 5)
          .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
          .join('\n'),
      })
    return { status: response.status, body: parsed.data }
  }

  const enc = encodeURIComponent
  return {
    health: async (account) =>
      (await call('GET', `/v1/accounts/${enc(account)}/health`, accountHealthViewSchema)).body,
    portfolio: async (account) =>
      (await call('GET', `/v1/accounts/${enc(account)}/portfolio`, portfolioViewSchema)).body,
    simulate: async (body) => (await call('POST', '/v1/simulate', simulateResponseSchema, body)).body,
    requestPermit: async (body) => (await call('POST', '/v1/permits', permitResponseSchema, body)).body,
    permit: async (account, nonce) =>
      (await call('GET', `/v1/permits/${enc(String(nonce))}?account=${enc(account)}`, permitRecordSchema))
        .body,
    attestation: async (account, sequence) =>
      (
        await call(
          'GET',
          `/v1/attestations/${enc(account)}/${enc(String(sequence))}`,
          attestationRecordSchema,
        )
      ).body,
    attestationByDigest: async (digest) =>
      (await call('GET', `/v1/attestations/by-digest/${enc(digest)}`, attestationRecordSchema)).body,
    readiness: () => call('GET', '/readyz', readinessSchema, undefined, [206, 503]),
    streamHealth: (stream) => streamHealth(fetchFn, base, stream),
  }
}

function errorFor(method: string, path: string, status: number, json: unknown): Error {
  const parsed = errorBodySchema.safeParse(json)
  const code = parsed.success ? parsed.data.error.code : `http${status}`
  const message = parsed.success ? parsed.data.error.message : `HTTP ${status}`
  const field = parsed.success ? parsed.data.error.field : undefined
  const shortMessage = `${method} ${path}: ${message}`
  if (status >= 500 || status === 429)
    return new ApiUnavailableError(shortMessage, { status, code, body: json })
  return new ApiRequestError(shortMessage, { status, code, field, body: json })
}

async function streamHealth(fetchFn: typeof fetch, base: string, parameters: StreamHealthParameters) {
  const { signal, onEvent } = parameters
  let lastEventId = parameters.lastEventId
  const query = parameters.accounts?.length ? `?accounts=${parameters.accounts.join(',')}` : ''
  while (!signal.aborted) {
    try {
      const response = await fetchFn(`${base}/v1/stream/health${query}`, {
        headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        signal,
      })
      if (!response.ok || !response.body) {
        const json = await response.json().catch(() => undefined)
        throw errorFor('GET', '/v1/stream/health', response.status, json)
      }
      parameters.onOpen?.()
      const parser = createSseParser((message) => {
        if (message.event !== 'health' && message.event !== 'band') return
        const parsed = healthEventSchema.safeParse(JSON.parse(message.data))
        if (!parsed.success) return
        lastEventId = message.id
        onEvent(parsed.data, message.id)
      })
      const decoder = new TextDecoder()
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        parser.push(decoder.decode(chunk, { stream: true }))
    } catch (error) {
      if (signal.aborted) return
      if (error instanceof ApiRequestError) throw error
      if (parameters.reconnect === false) throw error
    }
    if (parameters.reconnect === false) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, parameters.reconnectDelayMs ?? 1_000)
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer)
          resolve()
        },
        { once: true },
      )
    })
  }
}
