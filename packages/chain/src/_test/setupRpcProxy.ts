import { createServer } from 'node:http'
import type { Socket } from 'node:net'

type JsonRpcRequest = { id: number; method: string; params?: unknown[] }

/**
 * A local JSON-RPC proxy in front of a real node, for faults a real node will not produce on demand (a
 * mock of a provider's limits: the test says which). `intercept` may answer a request itself (return a
 * JSON-RPC error object or a promise that settles later); returning `undefined` forwards it.
 */
export async function setupRpcProxy(
  targetUrl: string,
  intercept: (request: JsonRpcRequest) => Promise<{ code: number; message: string } | undefined> | undefined,
): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const request = JSON.parse(body) as JsonRpcRequest
      try {
        const error = await intercept(request)
        if (error) {
          response
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ jsonrpc: '2.0', id: request.id, error }))
          return
        }
        const forwarded = await fetch(targetUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        response
          .writeHead(forwarded.status, { 'content-type': 'application/json' })
          .end(await forwarded.text())
      } catch {
        response.destroy()
      }
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    cleanup: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
