import { readFile } from 'node:fs/promises'
import { XmarginError } from '@xmargin/errors'
import { computeMargin, MarginInputError, marginOutput, parseMarginInput } from '@xmargin/margin'
import { Command } from 'commander'

export type MarginCommandResult = { exitCode: number; stdout: string; stderr: string }

const INPUT_HELP = `
Input (JSON, DESIGN.md §3; amounts in units of the asset, prices in USD, times in Unix seconds):
  { "asOf": 1767225600,                      valuation time; every expiry must be after it
    "cash": 0,                               USD, optional (default 0)
    "collateral": [{ "asset", "chainId", "amount", "price", "haircut", "chainPenalty"? }],
    "params": { ... },                       optional, in part: scenarios, volShock, staticDiscount,
                                             basis, contingency, lossFactor, overrides: { "<underlying>": {...} }
    "units": [{ "underlying": "ETH", "spot": 3500,
                "expiries": [{ "expiry", "forward", "rate", "discount" }],
                "options": [{ "expiry", "strike", "isCall", "amount", "vol", "id"?, "chainId"? }],
                "perps": [{ "size", "markPrice", "unrealisedPnl", "id"?, "chainId"? }] }] }

Output (JSON on stdout): { equity, initialMargin, maintenanceMargin, imSurplus, mmSurplus, health,
  units: [{ underlying, mtm, worst, worstScenario, worstShock, basis, im, mm }] }
  health is null when maintenance margin is 0. Bad input exits 1 with a message naming the field.

Example:
  xmargin margin --input account.json
  cat account.json | xmargin margin --input -`

/**
 * `xmargin margin` on the text of an input document: the §3 output JSON, or a message that names the
 * field at fault (and no number) with exit code 1.
 *
 * @example runMargin('{"asOf": 0, "units": []}').exitCode // 0
 */
export function runMargin(text: string, source = 'input'): MarginCommandResult {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return failure(new MarginInputError(`Invalid margin input: ${source} is not valid JSON (${reason})`))
  }
  try {
    const output = marginOutput(computeMargin(parseMarginInput(json)))
    return { exitCode: 0, stdout: `${JSON.stringify(output, null, 2)}\n`, stderr: '' }
  } catch (error) {
    if (error instanceof XmarginError) return failure(error)
    throw error
  }
}

function failure(error: XmarginError): MarginCommandResult {
  return { exitCode: 1, stdout: '', stderr: `error: ${error.message}\n` }
}

/** `xmargin margin --input FILE|-`: XPM-1 margin of one account. */
export function marginCommand(): Command {
  return new Command('margin')
    .description(
      'Compute the XPM-1 portfolio margin of one account (equity, IM, MM, surpluses, health, per-unit detail) from a JSON input.',
    )
    .requiredOption('--input <file>', 'the input JSON file, or - to read standard input')
    .addHelpText('after', INPUT_HELP)
    .action(async (options: { input: string }) => {
      let text: string
      try {
        text = options.input === '-' ? await readStdin() : await readFile(options.input, 'utf8')
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        throw new MarginInputError(`Cannot read --input ${options.input}: ${reason}`)
      }
      const result = runMargin(text, options.input === '-' ? 'standard input' : options.input)
      process.stdout.write(result.stdout)
      process.stderr.write(result.stderr)
      process.exitCode = result.exitCode
    })
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}
