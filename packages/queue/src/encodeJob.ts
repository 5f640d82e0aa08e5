import { z } from 'zod'
import { InvalidJobError } from './errors.js'
import { type JobData, type JobKind, type JobWire, jobSchemas } from './schemas.js'

/**
 * A job payload in its wire form (bigints as decimal strings), validated against its kind's schema.
 * Throws `InvalidJobError` naming every field at fault.
 *
 * @example encodeJob('liquidate', data) // { chainId: 31337, sequence: '7', ... }
 */
export function encodeJob<kind extends JobKind>(kind: kind, data: JobData<kind>): JobWire<kind> {
  const schema = jobSchemas[kind] as unknown as z.ZodType<JobData<kind>, JobWire<kind>>
  const result = schema.safeEncode(data)
  if (!result.success)
    throw new InvalidJobError(`Invalid ${kind} job payload`, { details: z.prettifyError(result.error) })
  return result.data
}
