import { ConfigError, loadSettings, readJsonFile } from '@xmargin/config'
import {
  ENV_ONLY_FIELDS,
  type KeeperSettings,
  keeperEnvBindings,
  keeperSettingsSchema,
} from './keeperSettings.js'

export type LoadKeeperSettingsParameters = {
  /** JSON settings file (`--config`). */
  file?: string | undefined
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv | undefined
  /** `--dashboard`: serve bull-board (needs `XMARGIN_BULLBOARD_TOKEN`). */
  dashboard?: boolean | undefined
}

/**
 * Reads a keeper's settings from its file and the environment, once, failing with a `ConfigError` that
 * names the file or variable and the field. Keys and the dashboard token come only from the environment.
 *
 * @example const settings = await loadKeeperSettings({ file: 'keeper.json' })
 */
export async function loadKeeperSettings(
  parameters: LoadKeeperSettingsParameters = {},
): Promise<KeeperSettings> {
  const { file, env = process.env } = parameters
  if (file !== undefined) {
    const raw = await readJsonFile(file, 'settings file')
    for (const field of ENV_ONLY_FIELDS) {
      if (valueAt(raw, field.path) !== undefined)
        throw new ConfigError(
          `Invalid settings file ${file}: ${field.path.join('.')}: secrets never go in a settings file`,
          { details: `Remove it from the file and set ${field.variable} in the environment instead.` },
        )
    }
  }
  const settings = await loadSettings({
    schema: keeperSettingsSchema,
    file,
    env,
    bindings: keeperEnvBindings,
  })
  if (parameters.dashboard) settings.dashboard.enabled = true
  return checkKeeperSettings(settings)
}

/** The cross-field rules of a keeper's settings; throws a `ConfigError` naming the variable at fault. */
export function checkKeeperSettings(settings: KeeperSettings): KeeperSettings {
  const { keys, dashboard } = settings
  if (!keys.signers?.length)
    throw new ConfigError(
      'Missing environment variable XMARGIN_KEEPER_KEYS (keys.signers): the keeper signs with them',
      {
        details: 'Set XMARGIN_KEEPER_KEYS to one or more 0x-prefixed private keys, comma-separated.',
      },
    )
  const pool = new Set(keys.signers.map((key) => key.toLowerCase()))
  if (pool.size !== keys.signers.length)
    throw new ConfigError(
      'Invalid environment variable XMARGIN_KEEPER_KEYS (keys.signers): a key appears twice',
    )
  if (keys.lzRelayer && pool.has(keys.lzRelayer.toLowerCase()))
    throw new ConfigError(
      'Invalid environment variable XMARGIN_LZ_RELAYER_KEY (keys.lzRelayer): it is also in XMARGIN_KEEPER_KEYS',
      { details: 'The relayer key has its own transaction engine; keep it out of the liquidation pool.' },
    )
  if (dashboard.enabled && !dashboard.token)
    throw new ConfigError(
      'Missing environment variable XMARGIN_BULLBOARD_TOKEN (dashboard.token): the dashboard needs a token',
      {
        details:
          'Set XMARGIN_BULLBOARD_TOKEN to a secret of at least 16 characters, or run without --dashboard.',
      },
    )
  return settings
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let node = value
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}
