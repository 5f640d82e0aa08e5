import { type EnvBinding, serviceEnvBindings, serviceSettingsSchema } from '@xmargin/config'
import { marginParamsInputSchema } from '@xmargin/margin'
import { z } from 'zod'

const fraction = z.number().min(0).max(1)
const positiveInt = z.number().int().positive()
const privateKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, { error: 'expected a 0x-prefixed 32-byte hex private key' })
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, { error: 'expected a 0x-prefixed address' })

/**
 * Settings of one relay node (`xmargin relay --config FILE`): the service settings every xmargin service
 * shares, plus the node's identity, signer, attestation and permit policy. The signer key comes only from
 * `XMARGIN_SIGNER_KEY` (a settings file that names one is refused).
 */
export const relaySettingsSchema = serviceSettingsSchema.extend({
  node: z
    .strictObject({
      /** Stable id of this node (its quorum cursor and heartbeat). Default `relay-<signer address>`. */
      id: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'expected 1–64 letters, digits, ".", "_", "-"' })
        .optional(),
      /** Heartbeat period in Redis (ms). Default 1 000. */
      heartbeatMs: positiveInt.default(1_000),
      /** A node whose heartbeat is older than this is counted dead (ms). Default 5 000. */
      livenessTtlMs: positiveInt.default(5_000),
      /** Leader lease (ms); the leader renews at a third of it. Default 5 000. */
      leaderLeaseMs: positiveInt.default(5_000),
    })
    .prefault({}),
  signer: z
    .strictObject({
      /** This node's signing key: set `XMARGIN_SIGNER_KEY`, never the file. */
      key: privateKey,
    })
    .optional(),
  /**
   * The signer set attestations are checked against. Default: read from the first chain's RiskGuard
   * (current epoch) at start and after every rotation; set it only without chains (tests).
   */
  signerSet: z
    .strictObject({
      epoch: z.number().int().positive(),
      /** Ascending addresses. */
      signers: z.array(address).min(1),
      threshold: z.number().int().min(1),
    })
    .optional(),
  attestation: z
    .strictObject({
      /** Seconds from `asOf` to `expiry` (within RiskGuard's maxAttestationAge). Default 120. */
      lifetimeS: positiveInt.default(120),
      /** Seconds between attestations of an account with positions; 0 = never. Default 60. */
      heartbeatS: z.number().int().min(0).default(60),
      /** Heartbeat attestations proposed per second at most (band changes and liquidations go first). Default 50. */
      heartbeatsPerSecond: positiveInt.default(50),
      /** Re-attest a still-liquidatable account after this many seconds. Default 60. */
      refreshLiquidatableS: positiveInt.default(60),
      /**
       * Re-attest a still-liquidatable account at once when a spot moved by more than this fraction since
       * its last round (the Liquidator bounds marks by the oracle: 5 % for perps). Default 0.02.
       */
      refreshMove: fraction.default(0.02),
      /** How long the proposer waits for the quorum (ms). Default 5 000. */
      quorumTimeoutMs: positiveInt.default(5_000),
      /** How long a signer waits for its own state to reach a proposal's anchors (ms). Default 3 000. */
      anchorWaitMs: z.number().int().min(0).default(3_000),
      /** Relative tolerance between a proposal's figures and the signer's own. Default 0.02. */
      relTolerance: fraction.default(0.02),
      /** Absolute tolerance (USD) between a proposal's figures and the signer's own. Default 1. */
      absToleranceUsd: z.number().min(0).default(1),
      /** Attestation rounds (and signing checks) in flight at once. Default 256. */
      concurrency: positiveInt.default(256),
    })
    .prefault({}),
  permits: z
    .strictObject({
      /** Permit lifetime (seconds). Default 300. */
      ttlS: positiveInt.default(300),
      /** A reservation outlives its permit by this much, for the chain to show the use (seconds). Default 60. */
      graceS: z.number().int().min(0).default(60),
      /** How often the expiry sweeper runs (ms). Default 1 000. */
      sweepMs: positiveInt.default(1_000),
    })
    .prefault({}),
  /**
   * Health bands by health = equity / MM: `healthy` ≥ healthy > `warning` ≥ warning > `danger` ≥ 1, and
   * `liquidatable` when mmSurplus < 0 (health < 1).
   */
  bands: z
    .strictObject({
      /** Default 1.5. */
      healthy: z.number().gt(1).default(1.5),
      /** Default 1.2. */
      warning: z.number().gt(1).default(1.2),
    })
    .prefault({})
    .refine((bands) => bands.healthy > bands.warning, {
      error: 'must be below bands.healthy',
      path: ['warning'],
    }),
  liquidation: z
    .strictObject({
      /** Target after a partial liquidation: equity ≥ (1 + bufferRatio)·MM. Default 0.1. */
      bufferRatio: z.number().min(0).default(0.1),
      startDiscount: fraction.default(0.01),
      maxDiscount: fraction.default(0.05),
      auctionDurationS: positiveInt.default(600),
    })
    .prefault({}),
  /** XPM-1 parameters (DESIGN §3), in part; default `DEFAULT_PARAMS`. Their hash goes into every attestation. */
  margin: marginParamsInputSchema.optional(),
  /** Collateral valuation: haircuts per symbol, chain penalties. */
  portfolio: z
    .strictObject({
      /** Chain whose collateral carries no penalty. Default: the first chain of the deployment. */
      homeChainId: z.number().int().positive().optional(),
      /** Haircut per asset symbol. Default `{ USDC: 0, WETH: 0.1, WBTC: 0.08 }`. */
      haircuts: z.record(z.string(), fraction).default({ USDC: 0, WETH: 0.1, WBTC: 0.08 }),
      /** Haircut of an asset missing from `haircuts`. Default 0.25. */
      defaultHaircut: fraction.default(0.25),
      /** Penalty of collateral on any chain but the home chain. Default 0.02. */
      chainPenalty: fraction.default(0.02),
      /** Penalty per chain id, overriding `chainPenalty`. Default `{}`. */
      chainPenalties: z.record(z.string().regex(/^\d+$/), fraction).default({}),
      /** A price move waits this long for the same move on the other chains before recomputing (ms). Default 25. */
      coalesceMs: z.number().int().min(0).default(25),
      /** Event cursor poll interval once caught up (ms). Default 250. */
      pollIntervalMs: positiveInt.default(250),
      /** A chain whose cursor is more than this many blocks behind its head makes the node degraded. Default 5. */
      maxLagBlocks: z.number().int().min(0).default(5),
    })
    .prefault({}),
  api: z
    .strictObject({
      /** SSE keep-alive comment period (ms). Default 15 000. */
      sseHeartbeatMs: positiveInt.default(15_000),
      /** SSE events kept for `Last-Event-ID` resume. Default 10 000. */
      sseHistory: z.number().int().min(0).default(10_000),
      /** How long shutdown waits for open streams and requests (ms). Default 2 000. */
      closeTimeoutMs: positiveInt.default(2_000),
      /** Largest request body (bytes). Default 1 MiB. */
      bodyLimit: positiveInt.default(1 << 20),
    })
    .prefault({}),
})

export type RelaySettings = z.infer<typeof relaySettingsSchema>
export type RelaySettingsInput = z.input<typeof relaySettingsSchema>

/** Environment variables a relay node reads, on top of the service ones. */
export const relayEnvBindings: readonly EnvBinding[] = [
  ...serviceEnvBindings,
  { variable: 'XMARGIN_SIGNER_KEY', path: ['signer', 'key'] },
  { variable: 'XMARGIN_NODE_ID', path: ['node', 'id'] },
  { variable: 'XMARGIN_ATTESTATION_LIFETIME_S', path: ['attestation', 'lifetimeS'], type: 'number' },
  { variable: 'XMARGIN_HEARTBEAT_S', path: ['attestation', 'heartbeatS'], type: 'number' },
  { variable: 'XMARGIN_PERMIT_TTL_S', path: ['permits', 'ttlS'], type: 'number' },
]
