import { DEMO_ACCOUNTS } from './accounts.js'
import { type CrashSummary, runCrashScenario } from './scenario/runCrashScenario.js'
import { type Stack, startStack } from './stack/startStack.js'

export type RunDemoParameters = {
  /** Deployment file, service settings and logs go here. */
  dir: string
  redisUrl?: string | undefined
  /** Play the scenario and return, instead of serving the API until `shutdown`. */
  once?: boolean | undefined
  /** Resolves when the demo should stop serving (Ctrl-C). */
  shutdown?: Promise<unknown> | undefined
  onLine?: ((line: string) => void) | undefined
}

/**
 * `npm start`: the whole devnet (three chains, Redis, contracts, three relay nodes with threshold two, two
 * keepers, the API), the crash scenario narrated step by step, then the API until Ctrl-C.
 */
export async function runDemo(parameters: RunDemoParameters): Promise<CrashSummary> {
  const say = parameters.onLine ?? (() => {})
  say('Starting three chains, Redis, xmargin contracts, three relay nodes (threshold 2) and two keepers...')
  const stack: Stack = await startStack({ dir: parameters.dir, redisUrl: parameters.redisUrl, onLine: say })
  try {
    const summary = await runCrashScenario(stack, { onLine: say })
    if (!parameters.once) {
      const api = stack.relays[0]!.url
      say('')
      say(`The API keeps serving until Ctrl-C (logs in ${parameters.dir}):`)
      say(`  curl ${api}/v1/accounts/${DEMO_ACCOUNTS.trader.address}/health`)
      say(`  curl ${api}/v1/accounts/${DEMO_ACCOUNTS.hedger.address}/health`)
      say(`  ${api}/openapi.json   ${api}/metrics   stream: curl -N ${api}/v1/stream/health`)
      say(`  npx xmargin health ${DEMO_ACCOUNTS.trader.address} --api ${api}`)
      await parameters.shutdown
    }
    return summary
  } finally {
    say('Stopping keepers, relays, chains...')
    await stack.stop()
  }
}
