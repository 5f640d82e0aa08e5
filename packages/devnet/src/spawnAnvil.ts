import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { type ManagedProcess, spawnManaged } from './childProcesses.js'
import { MissingBinaryError } from './errors.js'

export type SpawnAnvilParameters = {
  chainId: number
  /** Seconds between blocks; default: mine each transaction at once (automine). */
  blockTimeS?: number | undefined
  /** Port; default 0 (anvil picks a free one and prints it). */
  port?: number | undefined
  /** Block gas limit; default anvil's (30 000 000). Benchmarks that fill blocks raise it. */
  gasLimit?: bigint | number | undefined
}

export type Anvil = {
  chainId: number
  port: number
  rpcUrl: string
  process: ManagedProcess
}

/**
 * Starts one anvil chain on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example const anvil = await spawnAnvil({ chainId: 31337 }); ...; await anvil.process.stop()
 */
export async function spawnAnvil(parameters: SpawnAnvilParameters): Promise<Anvil> {
  const { chainId, blockTimeS, port = 0, gasLimit } = parameters
  const args = [
    '--chain-id',
    String(chainId),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--accounts',
    '10',
  ]
  if (blockTimeS !== undefined) args.push('--block-time', String(blockTimeS))
  if (gasLimit !== undefined) args.push('--gas-limit', String(gasLimit))
  const { process, match } = await spawnManaged({
    label: `anvil ${chainId}`,
    command: anvilBinary(),
    args,
    ready: /Listening on 127\.0\.0\.1:(\d+)/,
  })
  const actualPort = Number(match[1])
  return { chainId, port: actualPort, rpcUrl: `http://127.0.0.1:${actualPort}`, process }
}

/** The anvil binary installed by `npm ci` (`@foundry-rs/anvil-linux-amd64`), or `anvil` on PATH. */
export function anvilBinary(): string {
  const require = createRequire(import.meta.url)
  try {
    const packageDir = dirname(require.resolve('@foundry-rs/anvil-linux-amd64/package.json'))
    const binary = join(packageDir, 'bin', 'anvil')
    if (existsSync(binary)) return binary
  } catch {
    // not installed for this platform: try PATH below
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'anvil'))) return join(dir, 'anvil')
  }
  throw new MissingBinaryError('anvil is not installed', {
    details:
      'Run `npm ci` in the repository (it installs @foundry-rs/anvil-linux-amd64), or install Foundry and put anvil on PATH.',
  })
}
