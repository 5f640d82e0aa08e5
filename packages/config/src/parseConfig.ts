import type { z } from 'zod'
import { ConfigError } from './ConfigError.js'
import { formatIssues } from './formatIssues.js'

/**
 * Validates `value` against `schema`, or throws one `ConfigError` that names `source` (a file path or
 * a description) and every field at fault.
 */
export function parseConfig<schema extends z.ZodType>(
  schema: schema,
  value: unknown,
  source: string,
): z.infer<schema> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const lines = formatIssues(result.error.issues)
  throw new ConfigError(`Invalid ${source}: ${lines[0]}`, {
    details:
      lines.length > 1
        ? lines
            .slice(1)
            .map((line) => `  also ${line}`)
            .join('\n')
        : undefined,
  })
}
