export { MarginInputError } from './input/MarginInputError.js'
export {
  type CollateralLine,
  collateralLineSchema,
  type ExpiryInput,
  expiryInputSchema,
  type MarginInput,
  marginInputSchema,
  type OptionPosition,
  optionPositionSchema,
  type PerpPosition,
  perpPositionSchema,
  type RiskUnitInput,
  riskUnitInputSchema,
} from './input/marginInputSchema.js'
export { parseMarginInput } from './input/parseMarginInput.js'
export { applyLiquidation } from './liquidation/applyLiquidation.js'
export { auctionDiscount } from './liquidation/auctionDiscount.js'
export { backstopTake } from './liquidation/backstopTake.js'
export { type KeeperReward, type KeeperRewardParameters, keeperReward } from './liquidation/keeperReward.js'
export { DEFAULT_LIQUIDATION_PARAMS, type LiquidationParams } from './liquidation/liquidationParams.js'
export { liquidationPenalty } from './liquidation/liquidationPenalty.js'
export {
  type LiquidationClose,
  type LiquidationPlan,
  type PlanLiquidationOptions,
  planLiquidation,
} from './liquidation/planLiquidation.js'
export { type Black76Greeks, type Black76Parameters, black76Greeks } from './pricing/black76Greeks.js'
export { black76Price } from './pricing/black76Price.js'
export { type BsmGreeks, type BsmParameters, bsmGreeks } from './pricing/bsmGreeks.js'
export { bsmPrice } from './pricing/bsmPrice.js'
export { ImpliedVolError, type ImpliedVolFailure } from './pricing/ImpliedVolError.js'
export {
  type ImpliedVolBlack76Parameters,
  type ImpliedVolResult,
  impliedVolBlack76,
} from './pricing/impliedVolBlack76.js'
export { type ImpliedVolBsmParameters, impliedVolBsm } from './pricing/impliedVolBsm.js'
export { normalCdf } from './pricing/normalCdf.js'
export { normalPdf } from './pricing/normalPdf.js'
export { buildRiskArrays } from './riskArrays/buildRiskArrays.js'
export { marginFromRiskArrays } from './riskArrays/marginFromRiskArrays.js'
export type {
  MarketSeries,
  MarketState,
  MarketUnit,
  RiskArrayAccount,
  RiskArrays,
  RiskArrayUnitPositions,
  UnitRiskArray,
} from './riskArrays/riskArrayTypes.js'
export { seriesKey } from './riskArrays/seriesKey.js'
export { splitMarginInput } from './riskArrays/splitMarginInput.js'
export {
  computeStandardMargin,
  DEFAULT_STANDARD_PARAMS,
  type StandardMarginInput,
  type StandardMarginParams,
  type StandardOptionPosition,
  type StandardPositionMargin,
  type StandardUnitInput,
  type StandardUnitMargin,
} from './standard/computeStandardMargin.js'
export { fromWad } from './wad/fromWad.js'
export { toWadDown } from './wad/toWadDown.js'
export { toWadUp } from './wad/toWadUp.js'
export { applyChange } from './whatIf/applyChange.js'
export { type MaxTradeSizeResult, maxTradeSize } from './whatIf/maxTradeSize.js'
export { type MaxWithdrawalResult, maxWithdrawal } from './whatIf/maxWithdrawal.js'
export type { PortfolioChange, TradeChange } from './whatIf/portfolioChange.js'
export { type WhatIfResult, whatIf } from './whatIf/whatIf.js'
export { collateralValue } from './xpm1/collateralValue.js'
export { computeMargin } from './xpm1/computeMargin.js'
export { computeUnitMargin } from './xpm1/computeUnitMargin.js'
export { DEFAULT_PARAMS } from './xpm1/defaultParams.js'
export { type ExpiryConstants, expiryConstants, SECONDS_PER_YEAR } from './xpm1/expiryConstants.js'
export { type MarginOutput, marginOutput } from './xpm1/marginOutput.js'
export type { ExpiryDetail, MarginResult, UnitMargin, UnitMarginDetail } from './xpm1/marginResult.js'
export {
  type MarginParamsInput,
  marginParamsInputSchema,
  type PartialParams,
  type Scenario,
  scenarioSchema,
  type Xpm1Params,
  xpm1ParamsSchema,
} from './xpm1/paramsSchema.js'
export { resolveParams } from './xpm1/resolveParams.js'
