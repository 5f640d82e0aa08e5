import { resolve } from 'node:path'
import { Command } from 'commander'
import { waitForShutdown } from '../waitForShutdown.js'

type StartOptions = { once?: boolean; dir: string; redisUrl?: string }

/** `xmargin start` (`npm start`): the devnet demo. */
export function startCommand(): Command {
  return new Command('start')
    .description(
      'The devnet demo (`npm start`): three anvil chains, Redis, xmargin deployed and wired, three relay nodes (threshold 2), two keepers and the API; a trader seeded across the chains; a scripted ETH crash narrated step by step with its liquidations and cross-chain seize; then the API until Ctrl-C.',
    )
    .option(
      '--once',
      'play the scenario, print a JSON summary as the last line, and exit: 0 when every invariant holds and the crash liquidated the trader with a cross-chain seize, 1 otherwise',
    )
    .option('--dir <dir>', 'where the deployment file, service settings and logs go', '.devnet')
    .option(
      '--redis-url <url>',
      'Redis to use when it answers (default: $REDIS_URL or redis://127.0.0.1:6379)',
    )
    .action(async (options: StartOptions) => {
      // Listen before anything starts: a Ctrl-C during start-up must still stop what was started.
      const shutdown = waitForShutdown()
      const { runDemo } = await import('@xmargin/demo')
      const summary = await runDemo({
        dir: resolve(options.dir),
        redisUrl: options.redisUrl,
        once: options.once,
        shutdown,
        onLine: (line) => console.log(line),
      })
      if (options.once) {
        const { invariants: _checks, steps: _steps, ...totals } = summary
        console.log(JSON.stringify(totals))
      }
      const played = summary.liquidations > 0 && summary.crossChainSeizes > 0
      if (!played)
        console.error(
          `the scripted crash did not play out: ${summary.liquidations} liquidations, ${summary.crossChainSeizes} cross-chain seizes (logs in ${resolve(options.dir)})`,
        )
      process.exitCode = summary.invariantsHold && played ? 0 : 1
      // Every service, chain and connection is closed; a stray handle must not keep the demo alive.
      setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref()
    })
}
