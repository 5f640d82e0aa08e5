import type { z } from 'zod'
import { formatPath } from './formatPath.js'
import { MarginInputError } from './MarginInputError.js'
import { type MarginInput, marginInputSchema } from './marginInputSchema.js'

/**
 * Validates untrusted margin input (parsed JSON or an API body) against `marginInputSchema`, or throws
 * one `MarginInputError` whose message names the first field at fault (`units[0].spot: must be
 * positive`) and whose details list the others.
 *
 * @example parseMarginInput(JSON.parse(text))
 */
export function parseMarginInput(value: unknown): MarginInput {
  const result = marginInputSchema.safeParse(value, { error: describeIssue })
  if (result.success) return result.data
  const lines = result.error.issues.flatMap(issueLines)
  throw new MarginInputError(`Invalid margin input: ${lines[0]}`, {
    details:
      lines.length > 1
        ? lines
            .slice(1)
            .map((line) => `  also ${line}`)
            .join('\n')
        : undefined,
  })
}

/** One line per issue, `<field>: <message>`; an unknown key is named as its own field. */
function issueLines(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`)
  }
  return [`${formatPath(issue.path)}: ${issue.message}`]
}

/** Short messages in the words of the field, not of the schema. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required'
      return `expected ${issue.expected === 'int' ? 'an integer' : issue.expected}, got ${describeValue(issue.input)}`
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item(s)`
      if (issue.origin === 'string') return 'must not be empty'
      if (Number(issue.minimum) === 0) return issue.inclusive ? 'must not be negative' : 'must be positive'
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}`
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`
    default:
      return undefined
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`
  if (typeof value === 'number') return Number.isInteger(value) ? `number ${value}` : `number ${value}`
  return typeof value
}
