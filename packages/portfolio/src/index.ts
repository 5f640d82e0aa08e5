export {
  chainPenaltyOf,
  haircutOf,
  type PortfolioConfig,
  type PortfolioConfigInput,
  portfolioConfigSchema,
} from './config/portfolioConfigSchema.js'
export { MissingMarketDataError } from './errors.js'
export { accountCollateral } from './input/accountCollateral.js'
export { type AccountUnit, accountUnits } from './input/accountUnits.js'
export {
  type BuildMarginInputParameters,
  type BuildMarginInputReturnType,
  buildMarginInput,
  latestTimestamp,
} from './input/buildMarginInput.js'
export { expiryInputs } from './input/expiryInputs.js'
export { homeChainIdOf, quotePrice, resolveSpot } from './input/marketPrices.js'
export { type ToRiskArrayAccountParameters, toRiskArrayAccount } from './input/toRiskArrayAccount.js'
export { SECONDS_PER_YEAR, tokensToNumber } from './input/units.js'
export {
  buildMarketStructure,
  instrumentKey,
  type MarketStructure,
  type RiskUnitStructure,
} from './market/buildMarketStructure.js'
export { type ToRiskArrayMarketParameters, toRiskArrayMarket } from './market/toRiskArrayMarket.js'
export { applyEvent, type EventEffect } from './state/applyEvent.js'
export {
  type ApplyResult,
  type CreatePortfolioStoreParameters,
  createPortfolioStore,
  type PortfolioStore,
} from './state/createPortfolioStore.js'
export type { AccountChainView, AccountPortfolio, ChainState } from './state/types.js'
export {
  type CreatePortfolioSyncParameters,
  createPortfolioSync,
  type PortfolioSync,
  type PortfolioUpdate,
} from './sync/createPortfolioSync.js'
