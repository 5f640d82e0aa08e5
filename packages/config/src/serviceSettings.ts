import { z } from 'zod'
import type { EnvBinding } from './loadSettings.js'
import { redisUrlSchema } from './primitives.js'

/** Settings every xmargin service shares (relay and keeper extend them). */
export const serviceSettingsSchema = z.strictObject({
  /** Path of the deployment file (chains, RPC URLs, contract addresses). */
  deployment: z.string().min(1),
  redis: z
    .strictObject({
      /** Redis URL. Default `redis://127.0.0.1:6379`. */
      url: redisUrlSchema.default('redis://127.0.0.1:6379'),
      /** BullMQ key prefix; give each environment its own. Default `xmargin`. */
      prefix: z.string().min(1).default('xmargin'),
    })
    .prefault({}),
  log: z
    .strictObject({
      /** pino level. Default `info`. */
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    })
    .prefault({}),
  http: z
    .strictObject({
      /** Interface for `/healthz`, `/readyz`, `/metrics` (and the API on a relay). Default `127.0.0.1`. */
      host: z.string().min(1).default('127.0.0.1'),
      /** TCP port; 0 picks a free one. Default 0. */
      port: z.number().int().min(0).max(65535).default(0),
    })
    .prefault({}),
})

export type ServiceSettings = z.infer<typeof serviceSettingsSchema>

/** Environment variables every service reads. */
export const serviceEnvBindings: readonly EnvBinding[] = [
  { variable: 'XMARGIN_DEPLOYMENT', path: ['deployment'] },
  { variable: 'REDIS_URL', path: ['redis', 'url'] },
  { variable: 'XMARGIN_REDIS_PREFIX', path: ['redis', 'prefix'] },
  { variable: 'XMARGIN_LOG_LEVEL', path: ['log', 'level'] },
  { variable: 'XMARGIN_HTTP_HOST', path: ['http', 'host'] },
  { variable: 'XMARGIN_HTTP_PORT', path: ['http', 'port'], type: 'number' },
]
