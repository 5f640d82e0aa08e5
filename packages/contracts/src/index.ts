export {
  ANVIL_ACCOUNT_1,
  DEFAULT_INSTRUMENTS,
  DEFAULT_LIQUIDATION_PARAMS,
  DEFAULT_MAX_ATTESTATION_AGE_S,
  DEFAULT_SEIZE_REQUEST_GAS,
  DEFAULT_SEIZE_RESULT_GAS,
  DEFAULT_TOKENS,
  DEFAULT_UNDERLYINGS,
  type InstrumentSpec,
  type LiquidationParamsSpec,
  type TokenSpec,
  type UnderlyingSpec,
} from './deploy/defaults.js'
export {
  type DeployXmarginChain,
  type DeployXmarginParameters,
  type DeployXmarginReturnType,
  deployXmargin,
} from './deploy/deployXmargin.js'
export { encodeLzReceiveOption } from './deploy/encodeLzReceiveOption.js'
export { DeployError } from './deploy/errors.js'
export {
  type ChainDeploymentPlan,
  type PlanChainDeploymentParameters,
  type PlannedInstrument,
  type PlannedTransaction,
  planChainDeployment,
  predictMessengerAddress,
  roleId,
  toKey,
  toWad,
} from './deploy/planChainDeployment.js'
export { type SendTransactionsParameters, sendTransactions } from './deploy/sendTransactions.js'
export {
  type DeployMulticall3Parameters,
  type DeployMulticall3ReturnType,
  deployMulticall3,
  MULTICALL3_ADDRESS,
} from './deployMulticall3.js'
export { PERMIT_ACTION, xmarginDomain, xmarginTypes } from './eip712.js'
export * from './generated/index.js'
