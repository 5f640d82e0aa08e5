import type { FastifyReply } from 'fastify'

/**
 * Sends the API's error body `{ error: { code, message, field?, details? } }`.
 *
 * @example return sendError(reply, 404, 'unknownAccount', 'no account 0x…', 'params.account')
 */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  field?: string | undefined,
  details?: Record<string, unknown> | undefined,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send(
      JSON.stringify({
        error: {
          code,
          message,
          ...(field === undefined ? {} : { field }),
          ...(details === undefined ? {} : { details }),
        },
      }),
    )
}
