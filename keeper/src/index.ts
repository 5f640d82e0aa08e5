export { classifyRevert, type RevertAction, type RevertClassification } from './classifyRevert.js'
export {
  ENV_ONLY_FIELDS,
  type KeeperSettings,
  type KeeperSettingsInput,
  keeperEnvBindings,
  keeperSettingsSchema,
} from './config/keeperSettings.js'
export {
  checkKeeperSettings,
  type LoadKeeperSettingsParameters,
  loadKeeperSettings,
} from './config/loadKeeperSettings.js'
export { buildCloses, type MarkLimit, type OrderClose } from './handlers/buildCloses.js'
export { type DeliveryStep, type DeliveryView, decideDelivery } from './handlers/decideDelivery.js'
export {
  type Assessment,
  type AttestationView,
  assessLiquidation,
  decideLiquidation,
  type LiquidationChainView,
  type ProfitDecision,
  type ProfitInput,
} from './handlers/decideLiquidation.js'
export { type DeliverPacketDeps, type DeliverPacketResult, deliverPacket } from './handlers/deliverPacket.js'
export { type LiquidateDeps, type LiquidateResult, liquidate } from './handlers/liquidate.js'
export { planRoutes, type RemoteCollateral, type SeizeRoute } from './handlers/planRoutes.js'
export {
  decidePost,
  type PostAttestationDeps,
  type PostDecision,
  postAttestation,
} from './handlers/postAttestation.js'
export { createKeeperHttp, type Readiness, type ReadinessCheck, readinessOf } from './http.js'
export { createLeaderLease, type LeaderLease } from './ingest/createLeaderLease.js'
export { createPacketWatcher, type PacketWatcher } from './ingest/createPacketWatcher.js'
export {
  checkPacket,
  type DecodedPacket,
  decodePacket,
  InvalidPacketError,
  lzReceiveOption,
} from './ingest/decodePacket.js'
export { type PacketSource, packetJobs } from './ingest/packetJobs.js'
export { type KeeperChain, type KeeperContracts, keeperContracts } from './keeperChain.js'
export { type RunKeeperParameters, runKeeper } from './main.js'
export { createKeeperMetrics, type KeeperMetrics } from './metrics.js'
export { type CreateKeeperParameters, createKeeper, type Keeper } from './service.js'
