import { getAddress, isAddress } from 'viem'
import { z } from 'zod'

/** A 20-byte hex address, any case; parsed to its checksummed form. */
export const addressSchema = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), {
    error: 'expected a 0x-prefixed 20-byte hex address',
  })
  .transform((value) => getAddress(value))

/** An http(s) or ws(s) URL. */
export const rpcUrlSchema = z.url({
  protocol: /^(https?|wss?)$/,
  error: 'expected an http(s):// or ws(s):// URL',
})

/** A redis:// or rediss:// URL. */
export const redisUrlSchema = z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' })

/** A positive integer that fits an EVM chain id. */
export const chainIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
