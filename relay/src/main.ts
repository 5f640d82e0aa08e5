import type { Logger } from 'pino'
import { loadRelaySettings } from './config/loadRelaySettings.js'
import { createRelay } from './service.js'

export type RunRelayParameters = {
  /** The settings file (`--config`). */
  configFile: string
  env?: NodeJS.ProcessEnv | undefined
  logger?: Logger | undefined
  /** Resolves when the node should stop; default: the first SIGINT or SIGTERM. */
  shutdown?: Promise<unknown> | undefined
}

/**
 * `xmargin relay --config FILE`: loads the settings once (a `ConfigError` names the file or variable and
 * field), starts the node, and on SIGTERM/SIGINT stops it cleanly (readiness 503, no more proposing or
 * signing, HTTP and streams closed, workers and connections closed) so the process exits 0.
 *
 * @example await runRelay({ configFile: 'relay.json' })
 */
export async function runRelay(parameters: RunRelayParameters): Promise<void> {
  const shutdown = parameters.shutdown ?? waitForSignal()
  const settings = await loadRelaySettings({ file: parameters.configFile, env: parameters.env })
  const relay = createRelay({ settings, logger: parameters.logger })
  let stopping = false
  const started = relay.start()
  // A signal during start-up stops the node as soon as it is up (or gave up starting).
  await Promise.race([started, shutdown.then(() => (stopping = true))])
  await started.catch(async (error: unknown) => {
    await relay.stop()
    throw error
  })
  if (!stopping) await shutdown
  await relay.stop()
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
