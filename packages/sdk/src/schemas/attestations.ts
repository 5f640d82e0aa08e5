import { z } from 'zod'
import {
  addressSchema,
  anchorSchema,
  bytes32Schema,
  chainIdSchema,
  hexSchema,
  intStringSchema,
  uintStringSchema,
} from './common.js'
import { domainViewSchema } from './permits.js'

/** The EIP-712 `AccountHealth`, integers as decimal strings. */
export const accountHealthWireSchema = z.strictObject({
  account: addressSchema,
  sequence: uintStringSchema,
  epoch: uintStringSchema,
  equity: intStringSchema,
  initialMargin: uintStringSchema,
  maintenanceMargin: uintStringSchema,
  asOf: uintStringSchema,
  expiry: uintStringSchema,
  anchorBlock: uintStringSchema,
  anchorsDigest: bytes32Schema,
  paramsHash: bytes32Schema,
  marks: z.array(
    z.strictObject({
      instrumentId: z.number().int().min(0),
      mark: uintStringSchema,
      maxClose: uintStringSchema,
    }),
  ),
})

/** One signed attestation for one chain and the job that carries it. */
export const chainAttestationSchema = z.strictObject({
  chainId: chainIdSchema,
  kind: z.enum(['postAttestation', 'liquidate']),
  digest: bytes32Schema,
  domain: domainViewSchema,
  health: accountHealthWireSchema,
  /** Empty (`0x`) until the quorum is reached. */
  signatures: hexSchema,
  signers: z.array(addressSchema),
  jobId: z.string(),
  /** Liquidations: the plan's closes (instrument, absolute size in wad). */
  closes: z.array(z.strictObject({ instrumentId: z.number().int(), size: uintStringSchema })).optional(),
  /** Liquidations: chains holding the account's other collateral (LayerZero eid, USD wad cap). */
  routes: z.array(z.strictObject({ dstEid: z.number().int(), maxUsd: uintStringSchema })).optional(),
})

/** Everything the relay signed for one account and sequence (one round: one attestation per chain). */
export const attestationRecordSchema = z.strictObject({
  account: addressSchema,
  sequence: uintStringSchema,
  trigger: z.enum(['liquidatable', 'bandChange', 'heartbeat']),
  /** `proposed` while signing, `queued` once every chain's job is queued, `failed` without a quorum. */
  status: z.enum(['proposed', 'queued', 'failed']),
  createdAtMs: z.number().int(),
  anchors: z.array(anchorSchema),
  attestations: z.array(chainAttestationSchema),
})

export const attestationParamsSchema = z.strictObject({ account: addressSchema, sequence: uintStringSchema })
export const attestationDigestParamsSchema = z.strictObject({ digest: bytes32Schema })

export type AccountHealthWire = z.infer<typeof accountHealthWireSchema>
export type ChainAttestation = z.infer<typeof chainAttestationSchema>
export type AttestationRecord = z.infer<typeof attestationRecordSchema>
