export { type LoadRelaySettingsParameters, loadRelaySettings } from './config/loadRelaySettings.js'
export {
  type RelaySettings,
  type RelaySettingsInput,
  relayEnvBindings,
  relaySettingsSchema,
} from './config/relaySettings.js'
export { type RelayKeys, relayKeys } from './keys.js'
export { type RunRelayParameters, runRelay } from './main.js'
export {
  createMemoryPortfolio,
  type MemoryMarketSpec,
  type MemoryPortfolio,
} from './portfolio/createMemoryPortfolio.js'
export type {
  AccountChainHoldings,
  AssetRef,
  ChainAnchor,
  ChainStatus,
  InstrumentRef,
  PermitUse,
  PortfolioAccount,
  PortfolioChange,
  PortfolioMarket,
  PortfolioSource,
  PortfolioStatus,
} from './portfolio/types.js'
export { parsePositionId, positionId } from './portfolio/types.js'
export { type CreateRelayParameters, createRelay, type Relay } from './service.js'
