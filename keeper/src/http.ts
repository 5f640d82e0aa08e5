import { timingSafeEqual } from 'node:crypto'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { FastifyAdapter } from '@bull-board/fastify'
import type { Queue } from 'bullmq'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import type { Registry } from 'prom-client'

/** What `/readyz` reports: 200 ready, 206 degraded (serving, something to look at), 503 not ready. */
export type Readiness = { status: 'ready' | 'degraded' | 'notReady'; checks: Record<string, string> }

/** One readiness input: a named check that passed (`ok`), is degraded, or failed. */
export type ReadinessCheck = {
  name: string
  state: 'ok' | 'degraded' | 'failed'
  detail?: string | undefined
}

/**
 * Ready when every check is ok, degraded when some are degraded (e.g. a chain where this process holds
 * no signer), not ready when any failed (stopping, Redis unreachable).
 *
 * @example readinessOf([{ name: 'redis', state: 'ok' }, { name: 'chain:31337', state: 'degraded' }]).status // 'degraded'
 */
export function readinessOf(checks: readonly ReadinessCheck[]): Readiness {
  const status = checks.some((check) => check.state === 'failed')
    ? 'notReady'
    : checks.some((check) => check.state === 'degraded')
      ? 'degraded'
      : 'ready'
  return {
    status,
    checks: Object.fromEntries(
      checks.map((check) => [check.name, check.detail ? `${check.state}: ${check.detail}` : check.state]),
    ),
  }
}

const STATUS_CODE = { ready: 200, degraded: 206, notReady: 503 } as const

export type CreateKeeperHttpParameters = {
  registry: Registry
  readiness: () => Promise<Readiness>
  /** bull-board at `/admin/queues`, behind `Authorization: Bearer <token>`; absent: no dashboard. */
  dashboard?: { token: string; queues: () => readonly Queue[] } | undefined
}

/**
 * The keeper's HTTP server: `/healthz` (the process answers), `/readyz` (200/206/503 with the checks),
 * `/metrics` (Prometheus), and, only when asked for, bull-board at `/admin/queues` behind a bearer token
 * (a browser may pass `?token=` once; it is kept in an HttpOnly cookie scoped to the dashboard).
 *
 * @example const app = await createKeeperHttp({ registry, readiness }); await app.listen({ host, port })
 */
export async function createKeeperHttp(parameters: CreateKeeperHttpParameters): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const readiness = await parameters.readiness()
    return reply.code(STATUS_CODE[readiness.status]).send(readiness)
  })
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', parameters.registry.contentType).send(await parameters.registry.metrics()),
  )
  const { dashboard } = parameters
  if (dashboard) {
    const basePath = '/admin/queues'
    const serverAdapter = new FastifyAdapter()
    serverAdapter.setBasePath(basePath)
    createBullBoard({
      queues: dashboard.queues().map((queue) => new BullMQAdapter(queue, { readOnlyMode: false })),
      serverAdapter,
    })
    await app.register(async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        const presented = presentedToken(request)
        if (!presented || !sameSecret(presented, dashboard.token))
          return reply.code(401).header('www-authenticate', 'Bearer realm="keeper dashboard"').send({
            error: 'unauthorized',
            message: 'The dashboard needs Authorization: Bearer <XMARGIN_BULLBOARD_TOKEN>',
          })
        if (readQuery(request) === presented)
          reply.header(
            'set-cookie',
            `keeper_dashboard=${encodeURIComponent(presented)}; Path=${basePath}; HttpOnly; SameSite=Strict`,
          )
      })
      await scope.register(serverAdapter.registerPlugin(), { prefix: basePath })
    })
  }
  return app
}

function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim()
  const query = readQuery(request)
  if (query) return query
  const cookie = request.headers.cookie
    ?.split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith('keeper_dashboard='))
  return cookie ? decodeURIComponent(cookie.slice('keeper_dashboard='.length)) : undefined
}

function readQuery(request: FastifyRequest): string | undefined {
  const token = (request.query as { token?: unknown } | undefined)?.token
  return typeof token === 'string' && token ? token : undefined
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
