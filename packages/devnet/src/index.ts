export { ANVIL_ACCOUNTS } from './anvilAccounts.js'
export { type ManagedProcess, spawnManaged } from './childProcesses.js'
export { MissingBinaryError, ProcessStartError } from './errors.js'
export {
  DEFAULT_REDIS_URL,
  type DevnetRedis,
  findOrStartRedis,
  pingRedis,
  REDIS_INSTALL_COMMAND,
} from './findOrStartRedis.js'
export { isAlive } from './isAlive.js'
export { type Anvil, anvilBinary, type SpawnAnvilParameters, spawnAnvil } from './spawnAnvil.js'
export {
  DEVNET_CHAINS,
  type Devnet,
  type DevnetChainSpec,
  type DevnetSetupContext,
  type StartDevnetParameters,
  startDevnet,
} from './startDevnet.js'
