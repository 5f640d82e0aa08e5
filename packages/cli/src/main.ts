import { Command, CommanderError } from 'commander'
import { devnetCommand } from './commands/devnet.js'
import { healthCommand } from './commands/health.js'
import { keeperCommand } from './commands/keeper.js'
import { marginCommand } from './commands/margin.js'
import { relayCommand } from './commands/relay.js'
import { startCommand } from './commands/start.js'
import { reportError } from './reportError.js'

/** Builds the `xmargin` program; every command has `--help`. */
export function createProgram(): Command {
  const program = new Command('xmargin')
    .description(
      'Cross-chain portfolio margin: one account, derivatives on several EVM chains, one health figure.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
  program.addCommand(startCommand())
  program.addCommand(devnetCommand())
  program.addCommand(marginCommand())
  program.addCommand(relayCommand())
  program.addCommand(keeperCommand())
  program.addCommand(healthCommand())
  return program
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram().exitOverride()
  try {
    await program.parseAsync(argv)
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode
      return
    }
    reportError(error)
    process.exitCode = 1
  }
}

await main()
