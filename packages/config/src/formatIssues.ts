import type { z } from 'zod'

/**
 * Renders a zod path the way a user writes it: `chains[1].rpcUrls[0]`.
 *
 * @example formatPath(['chains', 1, 'rpcUrls', 0]) // 'chains[1].rpcUrls[0]'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out || '(root)'
}

/** One line per issue: `<field>: <message>`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
}
