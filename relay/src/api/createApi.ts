import fastifySwagger from '@fastify/swagger'
import type {
  AttestationRecord,
  PermitRecord,
  PermitRequest,
  PortfolioView,
  Readiness,
  SimulateRequest,
  SimulateResponse,
} from '@xmargin/sdk'
import {
  accountHealthViewSchema,
  accountParamsSchema,
  attestationDigestParamsSchema,
  attestationParamsSchema,
  attestationRecordSchema,
  errorBodySchema,
  livenessSchema,
  permitParamsSchema,
  permitQuerySchema,
  permitRecordSchema,
  permitRequestSchema,
  permitResponseSchema,
  portfolioViewSchema,
  readinessSchema,
  simulateRequestSchema,
  simulateResponseSchema,
  streamQuerySchema,
} from '@xmargin/sdk'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import type { Logger } from 'pino'
import { type Address, getAddress } from 'viem'
import { z } from 'zod'
import type { PermitOutcome } from '../permits/createPermitService.js'
import { sendError } from './apiError.js'
import type { SseHub } from './createSseHub.js'
import { createErrorHandler } from './errorHandler.js'

/** A simulate answer, or the refusal of its changes. */
export type SimulateOutcome =
  | { ok: true; body: SimulateResponse }
  | { ok: false; status: 400 | 404 | 422; code: string; message: string; field?: string | undefined }

/** What the routes ask of the relay node. */
export type ApiHandlers = {
  nodeId: string
  /** The serialised health object of an account (cached per computation), or undefined when unknown. */
  healthJson(account: Address): string | Promise<string | undefined> | undefined
  portfolio(account: Address): PortfolioView | undefined
  simulate(body: SimulateRequest): SimulateOutcome
  requestPermit(body: PermitRequest): Promise<PermitOutcome>
  permit(account: Address, nonce: bigint): Promise<PermitRecord | undefined>
  attestation(account: Address, sequence: bigint): Promise<AttestationRecord | undefined>
  attestationByDigest(digest: string): Promise<AttestationRecord | undefined>
  readiness(): { code: 200 | 206 | 503; body: Readiness }
  metrics(): Promise<{ contentType: string; text: string }>
  hub: SseHub
}

const errors = { 400: errorBodySchema, 404: errorBodySchema }

/**
 * The integrator API of DESIGN §6 on fastify: zod-validated routes under `/v1`, the OpenAPI document at
 * `/openapi.json`, `/healthz`, `/readyz`, `/metrics`, and a global error handler that turns anything a
 * client can send into a 4xx naming the field.
 *
 * @example const app = await createApi({ handlers, logger }); await app.listen({ port: 8080 })
 */
export async function createApi(parameters: {
  handlers: ApiHandlers
  logger: Logger
  bodyLimit: number
}): Promise<FastifyInstance> {
  const { handlers, logger } = parameters
  const app = Fastify({
    loggerInstance: logger.child({ component: 'api' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: parameters.bodyLimit,
    // Long path parameters are a client's problem, answered with 4xx.
    routerOptions: { maxParamLength: 512 },
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(createErrorHandler(logger))
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'notFound', `no route ${request.method} ${request.url.split('?')[0]}`),
  )
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'xmargin relay',
        version: '1',
        description:
          'Unified cross-chain portfolio health (XPM-1), what-if simulation, margin permits, a health stream and attestation lookup. Errors are `{ error: { code, message, field? } }`; nothing a client sends produces a 5xx.',
      },
    },
    transform: jsonSchemaTransform,
  })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  app.get(
    '/healthz',
    { schema: { summary: 'Liveness: the process answers.', response: { 200: livenessSchema } } },
    async () => ({
      status: 'ok' as const,
      node: handlers.nodeId,
    }),
  )

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: 200 ready, 206 degraded, 503 not ready (body says why).',
        response: { 200: readinessSchema, 206: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const { code, body } = handlers.readiness()
      return reply.code(code).send(body)
    },
  )

  app.get('/metrics', { schema: { summary: 'Prometheus metrics.', hide: true } }, async (_request, reply) => {
    const { contentType, text } = await handlers.metrics()
    return reply.type(contentType).send(text)
  })

  app.get(
    '/v1/accounts/:account/health',
    {
      schema: {
        summary:
          "An account's unified health: figures, band, binding scenario, per-chain breakdown, anchors, latest attestations.",
        params: accountParamsSchema,
        response: { 200: accountHealthViewSchema, ...errors },
      },
    },
    async (request, reply) => {
      const account = getAddress(request.params.account)
      const json = await handlers.healthJson(account)
      if (json === undefined)
        return sendError(reply, 404, 'unknownAccount', `no account ${account}`, 'params.account')
      // Serialised once per computation: sent as is.
      return reply
        .type('application/json')
        .serializer((payload) => payload as string)
        .send(json as never)
    },
  )

  app.get(
    '/v1/accounts/:account/portfolio',
    {
      schema: {
        summary: "An account's holdings on every chain and the exact XPM-1 input of its health.",
        params: accountParamsSchema,
        response: { 200: portfolioViewSchema, ...errors },
      },
    },
    async (request, reply) => {
      const account = getAddress(request.params.account)
      const view = handlers.portfolio(account)
      if (!view) return sendError(reply, 404, 'unknownAccount', `no account ${account}`, 'params.account')
      return view
    },
  )

  app.post(
    '/v1/simulate',
    {
      schema: {
        summary: 'What-if: trades, withdrawals and deposits on an account, or a full XPM-1 input.',
        body: simulateRequestSchema,
        response: { 200: simulateResponseSchema, ...errors, 422: errorBodySchema },
      },
    },
    async (request, reply) => {
      const outcome = handlers.simulate(request.body)
      if (!outcome.ok) return sendError(reply, outcome.status, outcome.code, outcome.message, outcome.field)
      return outcome.body
    },
  )

  app.post(
    '/v1/permits',
    {
      schema: {
        summary:
          'A margin permit: what-if, reservation of the free margin it uses across chains, quorum signature.',
        description:
          'Refusals: 422 `insufficientMargin` (with `details.freeMarginUsd`, `outstandingUsd`, `requiredUsd`, `imSurplusAfter`), 422 `insufficientBalance`, 409 `requestIdConflict`; 503 `permitRefused` (the other signers see the account at other blocks: a transient disagreement, retry with the same `requestId`), 503 `quorumUnavailable` (retry with the same `requestId`).',
        body: permitRequestSchema,
        response: {
          200: permitResponseSchema,
          ...errors,
          409: errorBodySchema,
          422: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const outcome = await handlers.requestPermit(request.body)
      if (!outcome.ok)
        return sendError(reply, outcome.status, outcome.code, outcome.message, outcome.field, outcome.details)
      return outcome.body
    },
  )

  app.get(
    '/v1/permits/:nonce',
    {
      schema: {
        summary: 'A permit by nonce, with its status (reserved, signed, used, expired).',
        params: permitParamsSchema,
        querystring: permitQuerySchema,
        response: { 200: permitRecordSchema, ...errors },
      },
    },
    async (request, reply) => {
      const account = getAddress(request.query.account)
      const record = await handlers.permit(account, BigInt(request.params.nonce))
      if (!record)
        return sendError(
          reply,
          404,
          'unknownPermit',
          `no permit ${request.params.nonce} of ${account}`,
          'params.nonce',
        )
      return record
    },
  )

  app.get(
    '/v1/attestations/by-digest/:digest',
    {
      schema: {
        summary: 'The attestation round holding an EIP-712 digest.',
        params: attestationDigestParamsSchema,
        response: { 200: attestationRecordSchema, ...errors },
      },
    },
    async (request, reply) => {
      const record = await handlers.attestationByDigest(request.params.digest)
      if (!record)
        return sendError(
          reply,
          404,
          'unknownAttestation',
          `no attestation ${request.params.digest}`,
          'params.digest',
        )
      return record
    },
  )

  app.get(
    '/v1/attestations/:account/:sequence',
    {
      schema: {
        summary:
          'One attestation round of an account: the signed AccountHealth per chain and its keeper job.',
        params: attestationParamsSchema,
        response: { 200: attestationRecordSchema, ...errors },
      },
    },
    async (request, reply) => {
      const account = getAddress(request.params.account)
      const record = await handlers.attestation(account, BigInt(request.params.sequence))
      if (!record)
        return sendError(
          reply,
          404,
          'unknownAttestation',
          `no attestation ${request.params.sequence} of ${account}`,
          'params.sequence',
        )
      return record
    },
  )

  app.get(
    '/v1/stream/health',
    {
      schema: {
        summary: 'Server-Sent Events: `health` on every change of an account, `band` when its band changes.',
        description:
          'Events carry `HealthEvent` JSON. Ids are `<boot>.<n>`; send `Last-Event-ID` to replay what you missed from the same node. A `: ping` comment every 15 s.',
        querystring: streamQuerySchema,
        response: { 200: z.string().describe('text/event-stream'), 400: errorBodySchema },
      },
    },
    (request, reply) => {
      const accounts = request.query.accounts
        ? new Set(request.query.accounts.split(',').map((account) => account.toLowerCase()))
        : undefined
      handlers.hub.attach(request, reply, accounts)
    },
  )

  return app
}
