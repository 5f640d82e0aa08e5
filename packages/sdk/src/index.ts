export {
  createXmarginClient,
  type StreamHealthParameters,
  type XmarginClient,
  type XmarginClientParameters,
} from './createXmarginClient.js'
export { ApiRequestError, ApiResponseError, ApiUnavailableError } from './errors.js'
export { createSseParser, type SseMessage } from './parseSse.js'
export {
  type AccountHealthWire,
  type AttestationRecord,
  accountHealthWireSchema,
  attestationDigestParamsSchema,
  attestationParamsSchema,
  attestationRecordSchema,
  type ChainAttestation,
  chainAttestationSchema,
} from './schemas/attestations.js'
export {
  type Address,
  type Anchor,
  addressSchema,
  anchorSchema,
  type Band,
  bandSchema,
  bytes32Schema,
  chainIdSchema,
  type ErrorBody,
  errorBodySchema,
  hexSchema,
  intStringSchema,
  uintStringSchema,
} from './schemas/common.js'
export {
  type AccountHealthView,
  type AttestationRef,
  accountHealthViewSchema,
  accountParamsSchema,
  attestationRefSchema,
  type ChainView,
  type CollateralView,
  chainViewSchema,
  collateralViewSchema,
  type MarginSummary,
  marginSummarySchema,
  type PortfolioView,
  type PositionView,
  portfolioViewSchema,
  positionViewSchema,
  type ScenarioView,
  scenarioSchema,
  type UnitDetail,
  unitDetailSchema,
} from './schemas/health.js'
export { livenessSchema, type Readiness, readinessSchema } from './schemas/node.js'
export {
  decimalAmountSchema,
  domainViewSchema,
  type MarginPermitView,
  marginPermitViewSchema,
  type PermitRecord,
  type PermitRequest,
  type PermitResponse,
  permitParamsSchema,
  permitQuerySchema,
  permitRecordSchema,
  permitRequestSchema,
  permitResponseSchema,
  permitStatusSchema,
  type ReservationView,
  requestIdSchema,
  reservationViewSchema,
} from './schemas/permits.js'
export {
  type SimulateChange,
  type SimulateRequest,
  type SimulateResponse,
  simulateChangeSchema,
  simulateRequestSchema,
  simulateResponseSchema,
} from './schemas/simulate.js'
export { type HealthEvent, healthEventSchema, streamQuerySchema } from './schemas/stream.js'
