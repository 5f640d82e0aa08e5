import { type Devnet, startDevnet } from '@xmargin/devnet'
import { Command, InvalidArgumentError } from 'commander'
import { waitForShutdown } from '../waitForShutdown.js'

export type DevnetOptions = {
  chains: number
  deployment: string
  redisUrl?: string
  blockTime?: number
}

/** `xmargin devnet`: local chains and Redis until Ctrl-C. */
export function devnetCommand(): Command {
  return withDevnetOptions(
    new Command('devnet').description(
      'Start local anvil chains (with Multicall3) and Redis, write a deployment file, print the endpoints, and run until Ctrl-C.',
    ),
  ).action(async (options: DevnetOptions) => {
    // Listen before anything starts: a Ctrl-C during start-up must still stop what was started.
    const shutdown = waitForShutdown()
    const devnet = await startDevnetFromOptions(options)
    console.log('Ready. Press Ctrl-C to stop.')
    await stopOnSignal(devnet, shutdown)
  })
}

/** Adds the options every devnet-based command shares. */
export function withDevnetOptions(command: Command): Command {
  return command
    .option('--chains <n>', 'number of chains (ids 31337, 31338, ...)', positiveInt, 3)
    .option('--deployment <file>', 'where to write the deployment file', '.devnet/deployment.json')
    .option(
      '--redis-url <url>',
      'Redis to use when it answers (default: $REDIS_URL or redis://127.0.0.1:6379)',
    )
    .option(
      '--block-time <seconds>',
      'mine a block every N seconds instead of one per transaction',
      positiveInt,
    )
}

export async function startDevnetFromOptions(options: DevnetOptions): Promise<Devnet> {
  console.log(`Starting ${options.chains} chains and Redis...`)
  const devnet = await startDevnet({
    chains: options.chains,
    deploymentPath: options.deployment,
    redisUrl: options.redisUrl,
    blockTimeS: options.blockTime,
  })
  printEndpoints(devnet)
  return devnet
}

export function printEndpoints(devnet: Devnet): void {
  for (const [i, chain] of devnet.deployment.chains.entries()) {
    const pid = devnet.anvils[i]?.process.pid
    console.log(
      `  chain ${chain.name.padEnd(9)} id ${chain.chainId}  ${chain.rpcUrls[0]}  lzEid ${chain.lzEid}  pid ${pid}`,
    )
  }
  const redisNote = devnet.redis.owned ? `started here, pid ${devnet.redis.process?.pid}` : 'already running'
  console.log(`  redis                ${devnet.redis.url}  (${redisNote})`)
  console.log(`  deployment file      ${devnet.deploymentPath}`)
}

/** Waits for `shutdown` (a SIGINT or SIGTERM), then stops the devnet and sets exit code 0. */
export async function stopOnSignal(devnet: Devnet, shutdown: Promise<NodeJS.Signals>): Promise<void> {
  const signal = await shutdown
  console.log(`\n${signal}: stopping chains${devnet.redis.owned ? ' and redis' : ''}...`)
  await devnet.stop()
  console.log('Stopped.')
  process.exitCode = 0
}

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer')
  return n
}
