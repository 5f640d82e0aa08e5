import { redactUrl } from '@xmargin/errors'

/**
 * Replaces every occurrence of `url` (raw, and as viem prints it) in `error` and its causes with its
 * redacted form, in place, so an RPC key never reaches a log line. Keeps the error's class and fields, so
 * viem can still decode a revert from it.
 */
export function scrubError<T>(error: T, url: string): T {
  const redacted = redactUrl(url)
  const variants = [...new Set([url, stripAuth(url), url.replace(/\/$/, '')])].filter(
    (variant) => variant.length > 0 && variant !== redacted,
  )
  const scrub = (text: string) => variants.reduce((out, variant) => out.split(variant).join(redacted), text)
  const seen = new Set<unknown>()
  let current: unknown = error
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current)
    const record = current as Record<string, unknown>
    for (const key of ['message', 'shortMessage', 'details', 'url', 'stack']) {
      const value = record[key]
      if (typeof value === 'string') {
        try {
          record[key] = scrub(value)
        } catch {
          // a read-only property: leave it
        }
      }
    }
    if (Array.isArray(record.metaMessages))
      record.metaMessages = record.metaMessages.map((line) => (typeof line === 'string' ? scrub(line) : line))
    current = record.cause
  }
  return error
}

function stripAuth(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return url
  }
}
