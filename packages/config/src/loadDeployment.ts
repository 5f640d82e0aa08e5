import { readFile, writeFile } from 'node:fs/promises'
import { ConfigError } from './ConfigError.js'
import { type Deployment, type DeploymentInput, deploymentSchema } from './deployment.js'
import { parseConfig } from './parseConfig.js'

/**
 * Reads and validates a deployment file.
 *
 * @example const deployment = await loadDeployment('.devnet/deployment.json')
 */
export async function loadDeployment(path: string): Promise<Deployment> {
  return parseDeployment(await readJsonFile(path, 'deployment file'), `deployment file ${path}`)
}

/** Validates a deployment object; `source` names it in errors. */
export function parseDeployment(value: unknown, source = 'deployment'): Deployment {
  return parseConfig(deploymentSchema, value, source)
}

/** Validates `deployment` and writes it as pretty JSON. */
export async function writeDeployment(path: string, deployment: DeploymentInput): Promise<Deployment> {
  const parsed = parseDeployment(deployment, `deployment for ${path}`)
  await writeFile(path, `${JSON.stringify(parsed, null, 2)}\n`)
  return parsed
}

/** Reads a JSON file, with errors that name the file. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    throw new ConfigError(
      `Cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : String(code)}`,
      {
        cause,
      },
    )
  }
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new ConfigError(`Invalid ${what} ${path}: not JSON (${(cause as Error).message})`, { cause })
  }
}
