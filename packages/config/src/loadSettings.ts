import type { z } from 'zod'
import { ConfigError } from './ConfigError.js'
import { formatPath } from './formatIssues.js'
import { readJsonFile } from './loadDeployment.js'

/** Where an environment variable lands in a settings object, and how its text is read. */
export type EnvBinding = {
  /** Variable name, e.g. `REDIS_URL`. */
  variable: string
  /** Field it sets, e.g. `['redis', 'url']`. */
  path: readonly string[]
  /** How to read the text. Default `string`. */
  type?: 'string' | 'number' | 'boolean' | 'list'
}

export type LoadSettingsParameters<schema extends z.ZodType> = {
  schema: schema
  /** JSON settings file; optional when every required field can come from the environment. */
  file?: string | undefined
  /** Environment to read; default `process.env`. */
  env?: NodeJS.ProcessEnv
  /** Environment variables that override fields of the file. */
  bindings?: readonly EnvBinding[]
}

/**
 * Reads settings from a JSON file and the environment (environment wins), validates them once, and
 * fails with one `ConfigError` naming the variable or the file and field at fault.
 *
 * @example
 * const settings = await loadSettings({ schema, file: 'keeper.json', bindings: [{ variable: 'REDIS_URL', path: ['redis', 'url'] }] })
 */
export async function loadSettings<schema extends z.ZodType>(
  parameters: LoadSettingsParameters<schema>,
): Promise<z.infer<schema>> {
  const { schema, file, env = process.env, bindings = [] } = parameters
  const raw = file === undefined ? {} : await readJsonFile(file, 'settings file')
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError(`Invalid settings file ${file}: expected a JSON object`)

  const merged: Record<string, unknown> = structuredClone(raw as Record<string, unknown>)
  const fromEnv = new Map<string, EnvBinding>()
  for (const binding of bindings) {
    const text = env[binding.variable]
    if (text === undefined || text === '') continue
    setPath(merged, binding.path, readEnv(binding, text))
    fromEnv.set(binding.path.join('.'), binding)
  }

  const result = schema.safeParse(merged)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const field = formatPath(issue.path)
  const binding = findBinding(fromEnv, issue.path)
  const more = result.error.issues.length - 1
  const details = more > 0 ? `(and ${more} more issue${more > 1 ? 's' : ''})` : undefined
  if (binding)
    throw new ConfigError(`Invalid environment variable ${binding.variable} (${field}): ${issue.message}`, {
      details,
    })
  const where = file === undefined ? 'settings (no file given)' : `settings file ${file}`
  throw new ConfigError(`Invalid ${where}: ${field}: ${issue.message}`, { details })
}

function readEnv(binding: EnvBinding, text: string): unknown {
  switch (binding.type ?? 'string') {
    case 'number': {
      const value = Number(text)
      return Number.isFinite(value) && text.trim() !== '' ? value : text
    }
    case 'boolean':
      return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    case 'string':
      return text
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {}
    node = node[key] as Record<string, unknown>
  }
  node[path[path.length - 1]!] = value
}

function findBinding(fromEnv: Map<string, EnvBinding>, path: readonly PropertyKey[]): EnvBinding | undefined {
  for (let length = path.length; length > 0; length--) {
    const binding = fromEnv.get(path.slice(0, length).map(String).join('.'))
    if (binding) return binding
  }
  return undefined
}
