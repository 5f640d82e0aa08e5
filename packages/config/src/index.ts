export { ConfigError } from './ConfigError.js'
export {
  type ChainConfig,
  chainConfigSchema,
  type Deployment,
  type DeploymentInput,
  decimalStringSchema,
  deploymentSchema,
  type InstrumentConfig,
  instrumentSchema,
  type RolesConfig,
  rolesSchema,
  type SignerSetConfig,
  signerSetSchema,
  type TokenConfig,
  tokenSchema,
} from './deployment.js'
export { formatIssues, formatPath } from './formatIssues.js'
export { loadDeployment, parseDeployment, readJsonFile, writeDeployment } from './loadDeployment.js'
export { type EnvBinding, type LoadSettingsParameters, loadSettings } from './loadSettings.js'
export { parseConfig } from './parseConfig.js'
export { addressSchema, chainIdSchema, redisUrlSchema, rpcUrlSchema } from './primitives.js'
export { type ServiceSettings, serviceEnvBindings, serviceSettingsSchema } from './serviceSettings.js'
export { viemChain } from './viemChain.js'
