import type { HealthEvent } from '@xmargin/sdk'
import type { FastifyReply, FastifyRequest } from 'fastify'

export type SseHub = {
  /** Sends an event to every stream that follows its account, and keeps it for resumption. */
  publish(event: HealthEvent): void
  /** Takes over the request's socket and streams events (resuming after `Last-Event-ID` if it is recent). */
  attach(request: FastifyRequest, reply: FastifyReply, accounts: ReadonlySet<string> | undefined): void
  /** Open streams. */
  size(): number
  /** Ends every stream (a final comment tells clients why), waiting at most `timeoutMs`. */
  close(timeoutMs: number): Promise<void>
}

type Client = { reply: FastifyReply; accounts: ReadonlySet<string> | undefined }

/** A client that has this much unsent data is too slow and is disconnected. */
const MAX_BUFFERED_BYTES = 1 << 20

/**
 * The Server-Sent Events hub of `GET /v1/stream/health`. Event ids are `<boot>.<n>` (`boot` identifies
 * this process): a client that reconnects to the same node with `Last-Event-ID` gets the events it missed
 * from the last `historySize`; elsewhere it starts afresh. A comment every `heartbeatMs` keeps proxies
 * from closing idle streams.
 *
 * @example const hub = createSseHub({ historySize: 10_000, heartbeatMs: 15_000 })
 */
export function createSseHub(parameters: { historySize: number; heartbeatMs: number }): SseHub {
  const boot = Date.now().toString(36)
  const clients = new Set<Client>()
  // Events are serialised when first sent: most are never sent (no stream follows their account).
  type Entry = { n: number; event: HealthEvent; text: string | undefined }
  const history: Entry[] = []
  const textOf = (entry: Entry) => {
    entry.text ??= `id: ${boot}.${entry.n}\nevent: ${entry.event.type}\ndata: ${JSON.stringify(entry.event)}\n\n`
    return entry.text
  }
  let next = 1
  const heartbeat = setInterval(() => {
    for (const client of clients) write(client, ': ping\n\n')
  }, parameters.heartbeatMs)
  heartbeat.unref()

  const write = (client: Client, text: string) => {
    const raw = client.reply.raw
    if (raw.destroyed || raw.writableEnded) {
      clients.delete(client)
      return
    }
    if (raw.writableLength > MAX_BUFFERED_BYTES) {
      clients.delete(client)
      raw.destroy()
      return
    }
    raw.write(text)
  }
  const follows = (client: Client, account: string) =>
    !client.accounts || client.accounts.has(account.toLowerCase())

  return {
    publish(event) {
      const entry: Entry = { n: next++, event, text: undefined }
      if (parameters.historySize > 0) {
        history.push(entry)
        // trimmed in steps: one splice per historySize events
        if (history.length >= parameters.historySize * 2) history.splice(0, parameters.historySize)
      }
      for (const client of clients) if (follows(client, event.account)) write(client, textOf(entry))
    },
    attach(request, reply, accounts) {
      reply.hijack()
      const raw = reply.raw
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      const client: Client = { reply, accounts }
      raw.write(`retry: 1000\n: connected\n\n`)
      const last = request.headers['last-event-id']
      const match = typeof last === 'string' ? /^([0-9a-z]+)\.(\d+)$/.exec(last) : null
      if (match && match[1] === boot) {
        const after = Number(match[2])
        for (const entry of history.slice(-parameters.historySize))
          if (entry.n > after && follows(client, entry.event.account)) raw.write(textOf(entry))
      }
      clients.add(client)
      const forget = () => clients.delete(client)
      request.raw.on('close', forget)
      raw.on('error', forget)
    },
    size: () => clients.size,
    async close(timeoutMs) {
      clearInterval(heartbeat)
      const ending = [...clients].map(
        (client) =>
          new Promise<void>((resolve) => {
            const raw = client.reply.raw
            if (raw.writableEnded || raw.destroyed) return resolve()
            raw.end(': relay shutting down\n\n', () => resolve())
            setTimeout(() => {
              raw.destroy()
              resolve()
            }, timeoutMs).unref()
          }),
      )
      clients.clear()
      await Promise.all(ending)
    },
  }
}
