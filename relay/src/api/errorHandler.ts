import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import type { Logger } from 'pino'
import { sendError } from './apiError.js'

const CONTEXT_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
}

/**
 * The global error handler: whatever a client sends ends in a 4xx that names the field at fault; only a
 * fault of the relay itself answers 5xx (and is logged). Validation errors become
 * `400 { error: { code: 'invalidRequest', field: 'body.amount', message: 'body.amount: …' } }`.
 */
export function createErrorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0]!
      const context =
        CONTEXT_NAMES[String(error.validationContext)] ?? String(error.validationContext ?? 'request')
      const path = issue.instancePath
        .split('/')
        .filter(Boolean)
        .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
        .join('')
      const unknownKeys = (issue.params as { keys?: string[] } | undefined)?.keys
      const field = unknownKeys?.length ? `${context}${path}.${unknownKeys[0]}` : `${context}${path}`
      const message = unknownKeys?.length ? 'unknown field' : issue.message
      return sendError(reply, 400, 'invalidRequest', `${field}: ${message}`, field)
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500
    if (status >= 400 && status < 500) {
      // Fastify's own 4xx (malformed JSON, wrong content type, body too large, …).
      const field = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'headers.content-type' : 'body'
      return sendError(reply, status, 'invalidRequest', error.message, field)
    }
    logger.error({ err: error, method: request.method, url: request.url }, 'request failed')
    return sendError(reply, 500, 'internal', 'the relay failed to answer; this is a bug, not your request')
  }
}
