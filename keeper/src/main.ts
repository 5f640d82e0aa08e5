import type { Logger } from 'pino'
import { loadKeeperSettings } from './config/loadKeeperSettings.js'
import { createKeeper } from './service.js'

export type RunKeeperParameters = {
  /** The settings file (`--config`). */
  configFile: string
  /** `--dashboard`: serve bull-board behind `XMARGIN_BULLBOARD_TOKEN`. */
  dashboard?: boolean | undefined
  env?: NodeJS.ProcessEnv | undefined
  logger?: Logger | undefined
  /** Resolves when the keeper should stop; default: the first SIGINT or SIGTERM. */
  shutdown?: Promise<unknown> | undefined
}

/**
 * `xmargin keeper --config FILE`: loads the settings once (a `ConfigError` names the file or variable and
 * field), starts the keeper, and on SIGTERM/SIGINT stops it cleanly (readiness 503, watchers off, workers
 * closed, engines stopped, connections closed) so the process exits 0.
 *
 * @example await runKeeper({ configFile: 'keeper.json' })
 */
export async function runKeeper(parameters: RunKeeperParameters): Promise<void> {
  const shutdown = parameters.shutdown ?? waitForSignal()
  const settings = await loadKeeperSettings({
    file: parameters.configFile,
    env: parameters.env,
    dashboard: parameters.dashboard,
  })
  const keeper = createKeeper({ settings, logger: parameters.logger })
  let stopping = false
  const started = keeper.start()
  // A signal during start-up stops the keeper as soon as it is up (or gave up starting).
  await Promise.race([started, shutdown.then(() => (stopping = true))])
  await started.catch(async (error: unknown) => {
    await keeper.stop()
    throw error
  })
  if (!stopping) await shutdown
  await keeper.stop()
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      resolve(signal)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}
