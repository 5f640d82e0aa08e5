import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { HttpRequestError, RpcRequestError, TimeoutError } from 'viem'

export type JsonRpcHttpParameters = {
  /** Per-request timeout (ms). */
  timeoutMs: number
  /** Sockets kept open to the endpoint. */
  maxSockets: number
  /** Called once per HTTP request sent. */
  onRequest?: (() => void) | undefined
}

export type JsonRpcHttp = {
  request(args: { method: string; params?: unknown }): Promise<unknown>
  /** Closes the kept-alive sockets. */
  close(): void
}

/**
 * A minimal JSON-RPC client over `node:http(s)` with keep-alive sockets, for one endpoint. It throws viem's
 * own error classes (`HttpRequestError`, `RpcRequestError` carrying the node's `{ code, message, data }`,
 * `TimeoutError`), so viem decodes reverts from it as from its `http` transport.
 *
 * Why not viem's `http`: a snapshot sends ~200 requests of ~0.5 MB; viem serialises them with a `JSON.stringify`
 * replacer and through `fetch` streams, which cost more CPU than the three nodes answering them (profiled:
 * ~1 s of 4 s). Params here are already hex strings, so plain `JSON.stringify` is exact.
 */
export function createJsonRpcHttp(url: string, parameters: JsonRpcHttpParameters): JsonRpcHttp {
  const parsed = new URL(url)
  const secure = parsed.protocol === 'https:'
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: parameters.maxSockets })
    : new HttpAgent({ keepAlive: true, maxSockets: parameters.maxSockets })
  const send = secure ? httpsRequest : httpRequest
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (parsed.username || parsed.password)
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`
  const target = `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search}`
  let id = 0

  const request = ({ method, params }: { method: string; params?: unknown }) =>
    new Promise<unknown>((resolve, reject) => {
      const message = { jsonrpc: '2.0', id: ++id, method, params: params ?? [] }
      // What errors show of the request: the method only (a batch of reads is ~0.5 MB of hex).
      const summary = { method }
      let text: string
      try {
        text = JSON.stringify(message)
      } catch {
        text = JSON.stringify(message, (_, value) =>
          typeof value === 'bigint' ? `0x${value.toString(16)}` : value,
        )
      }
      // Encoded once, natively; the socket then writes bytes, and the length needs no second scan.
      const body = Buffer.from(text, 'utf8')
      parameters.onRequest?.()
      let settled = false
      const finish = (fn: () => void) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        fn()
      }
      const outgoing = send(
        target,
        { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('error', (cause) =>
            finish(() => reject(new HttpRequestError({ body: summary, cause, url }))),
          )
          response.on('end', () =>
            finish(() => {
              const text = Buffer.concat(chunks).toString('utf8')
              const status = response.statusCode ?? 0
              let json:
                | { result?: unknown; error?: { code: number; message: string; data?: unknown } }
                | undefined
              try {
                json = JSON.parse(text)
              } catch {
                json = undefined
              }
              if (json?.error) {
                reject(new RpcRequestError({ body: summary, error: json.error, status, url }))
                return
              }
              if (status < 200 || status >= 300 || !json) {
                reject(new HttpRequestError({ body: summary, details: text.slice(0, 200), status, url }))
                return
              }
              resolve(json.result)
            }),
          )
        },
      )
      const timer = setTimeout(() => {
        finish(() => reject(new TimeoutError({ body: summary, url })))
        outgoing.destroy()
      }, parameters.timeoutMs)
      outgoing.on('error', (cause) =>
        finish(() => reject(new HttpRequestError({ body: summary, cause, url }))),
      )
      outgoing.end(body)
    })

  return { request, close: () => agent.destroy() }
}
