import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'

/** How the fake endpoint misbehaves: close the socket, answer HTTP 500 or 429, or never answer. */
export type FaultMode = 'refuse' | 'error500' | 'rateLimited' | 'stall'

/**
 * A local HTTP server that plays a broken RPC endpoint (a mock: a real provider outage cannot be produced
 * here). `url` carries a fake API key in its path so tests can check it never leaks.
 */
export async function setupFaultyRpc(
  mode: FaultMode,
): Promise<{ url: string; hits: () => number; cleanup: () => Promise<void> }> {
  let hits = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((request, response) => {
    hits++
    request.resume()
    if (mode === 'refuse') request.socket.destroy()
    else if (mode === 'error500') response.writeHead(500).end('internal error')
    else if (mode === 'rateLimited') response.writeHead(429, { 'retry-after': '1' }).end('slow down')
    // 'stall': keep the request open until cleanup
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/v2/0123456789abcdef0123456789abcdef`,
    hits: () => hits,
    cleanup: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
