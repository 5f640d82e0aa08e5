import { z } from 'zod'
import { InvalidJobError } from './errors.js'
import { type JobData, type JobKind, jobSchemas } from './schemas.js'

/**
 * A stored job payload decoded for its handler (bigints, checksummed addresses). Throws
 * `InvalidJobError` naming every field at fault: a payload that fails here is never retried.
 *
 * @example const data = decodeJob('liquidate', job.data)
 */
export function decodeJob<kind extends JobKind>(kind: kind, wire: unknown): JobData<kind> {
  const schema = jobSchemas[kind] as unknown as z.ZodType<JobData<kind>>
  const result = schema.safeParse(wire)
  if (!result.success)
    throw new InvalidJobError(`Invalid ${kind} job payload`, { details: z.prettifyError(result.error) })
  return result.data
}
