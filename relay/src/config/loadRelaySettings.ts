import { ConfigError, loadSettings, readJsonFile } from '@xmargin/config'
import { type RelaySettings, relayEnvBindings, relaySettingsSchema } from './relaySettings.js'

export type LoadRelaySettingsParameters = {
  /** JSON settings file. */
  file?: string | undefined
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv | undefined
}

/**
 * Reads a relay node's settings from its file and the environment, once, failing with a `ConfigError`
 * that names the file or variable and the field. The signer key must come from `XMARGIN_SIGNER_KEY`.
 *
 * @example const settings = await loadRelaySettings({ file: 'relay.json' })
 */
export async function loadRelaySettings(
  parameters: LoadRelaySettingsParameters = {},
): Promise<RelaySettings> {
  const { file, env = process.env } = parameters
  if (file !== undefined) {
    const raw = await readJsonFile(file, 'settings file')
    const signer = (raw as { signer?: unknown } | null)?.signer
    if (signer !== undefined)
      throw new ConfigError(`Invalid settings file ${file}: signer: a signer key never goes in a file`, {
        details: 'Remove "signer" from the file and set XMARGIN_SIGNER_KEY in the environment instead.',
      })
  }
  const settings = await loadSettings({ schema: relaySettingsSchema, file, env, bindings: relayEnvBindings })
  if (settings.signer === undefined)
    throw new ConfigError(
      'Missing environment variable XMARGIN_SIGNER_KEY (signer.key): the node signs with it',
      {
        details: 'Set XMARGIN_SIGNER_KEY to the 0x-prefixed 32-byte private key of this relay node.',
      },
    )
  return settings
}
