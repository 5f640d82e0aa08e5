import { rpcPolicySchema } from '@xmargin/chain'
import { type EnvBinding, serviceEnvBindings, serviceSettingsSchema } from '@xmargin/config'
import { txPolicySchema } from '@xmargin/tx'
import { z } from 'zod'

const positiveInt = z.number().int().positive()
const privateKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, { error: 'expected a 0x-prefixed 32-byte hex private key' })

/** A chain id, also accepted as a decimal string (how `XMARGIN_KEEPER_CHAINS` arrives). */
const chainIdSchema = z.coerce
  .number({ error: 'expected a chain id' })
  .int({ error: 'expected an integer chain id' })
  .positive({ error: 'expected a positive chain id' })

/** Transaction policy with every field optional; `maxFeePerGasCap` may be given in wei as a decimal string. */
const txPolicyInputSchema = txPolicySchema.extend({
  maxFeePerGasCap: z.coerce
    .bigint({ error: 'expected wei as an integer or a decimal string' })
    .positive()
    .default(1_000n * 10n ** 9n),
})

/**
 * Settings of one keeper process (`xmargin keeper --config FILE`): the service settings every xmargin
 * service shares, plus which chains it serves, its workers, profitability policy, transaction policy,
 * LayerZero delivery and the dashboard. Keys come only from the environment (`XMARGIN_KEEPER_KEYS`,
 * `XMARGIN_LZ_RELAYER_KEY`) and the dashboard token from `XMARGIN_BULLBOARD_TOKEN`: a settings file that
 * names one is refused.
 */
export const keeperSettingsSchema = serviceSettingsSchema.extend({
  /** Chain ids this process serves (workers, transactions). Default: every chain of the deployment. */
  chains: z
    .array(chainIdSchema)
    .min(1, { error: 'name at least one chain, or leave the field out' })
    .optional(),
  keys: z
    .strictObject({
      /** Signer pool for attestations and liquidations on every served chain. From `XMARGIN_KEEPER_KEYS`. */
      signers: z.array(privateKey).min(1, { error: 'give at least one signer key' }).optional(),
      /**
       * The LayerZero relayer key whitelisted on every chain's SimpleMessageLib (devnet: anvil account 1).
       * From `XMARGIN_LZ_RELAYER_KEY`. Without it the process delivers no packets.
       */
      lzRelayer: privateKey.optional(),
    })
    .prefault({}),
  workers: z
    .strictObject({
      /** Liquidation jobs run at once per chain. Default 16 (signers × pipelining depth). */
      liquidateConcurrency: positiveInt.default(16),
      /** Attestation posts at once per chain. Default 8. */
      postAttestationConcurrency: positiveInt.default(8),
      /** LayerZero deliveries at once per destination chain. Default 4. */
      lzDeliverConcurrency: positiveInt.default(4),
      /** A job's lock lives this long without renewal (ms); a killed keeper's job moves on after it. Default 20 000. */
      lockDurationMs: positiveInt.default(20_000),
      /** How often workers look for jobs whose lock lapsed (ms). Default 10 000. */
      stalledIntervalMs: positiveInt.default(10_000),
      /** Stalls a job survives before it fails; handlers are idempotent. Default 5. */
      maxStalledCount: z.number().int().min(0).default(5),
      /** On SIGTERM, how long running jobs get to finish (ms) before they are left to another keeper. Default 20 000. */
      closeTimeoutMs: positiveInt.default(20_000),
    })
    .prefault({}),
  liquidation: z
    .strictObject({
      /** Confirmations a liquidation waits for before the job completes. Default 1. */
      confirmations: positiveInt.default(1),
      /** Run only when reward − gas cost ≥ this (USD). Default 0. Bad debt runs anyway. */
      minProfitUsd: z.number().min(0).default(0),
      /** An unprofitable or blocked (oracle) liquidation is looked at again after this (ms). Default 15 000. */
      retryDelayMs: positiveInt.default(15_000),
      /** Start the Dutch auction (`Liquidator.flag`) when a liquidation is not yet worth it. Default true. */
      flagWhenUnprofitable: z.boolean().default(true),
      /** Gas limit = simulated gas × this. Default 1.5. */
      gasLimitMultiplier: z.number().min(1).max(10).default(1.5),
      /**
       * Liquidation jobs per chain preparing at once (reads, simulation, signing, sending); the others wait their
       * turn in order, and jobs waiting for receipts need no turn. 0 = no limit. Default 16.
       */
      prepareConcurrency: z.number().int().min(0).default(16),
      /**
       * Liquidations sent per second per chain at most; 0 = no limit. Spreads a burst over blocks, which keeps
       * the node's pending pool small (anvil re-executes it for every \`eth_call\` at \`pending\`). Default 0.
       */
      sendsPerSecond: z.number().min(0).default(0),
      /** How long a job waits for its receipt (ms) before it is retried. Default 120 000. */
      waitTimeoutMs: positiveInt.default(120_000),
    })
    .prefault({}),
  lz: z
    .strictObject({
      /** Deliver LayerZero packets (DVN + executor) on the devnet. Default true (needs `XMARGIN_LZ_RELAYER_KEY`). */
      enabled: z.boolean().default(true),
      /** Run PacketSent watchers (one leader per source chain across processes). Default true. */
      watch: z.boolean().default(true),
      /** PacketSent watcher poll interval once caught up (ms). Default 500. */
      pollIntervalMs: positiveInt.default(500),
      /** Watcher leader lease per source chain (ms); one keeper process watches each chain. Default 10 000. */
      leaseTtlMs: positiveInt.default(10_000),
      /** Gas added to the options' LZ_RECEIVE gas for the endpoint's own work. Default 150 000. */
      executorOverheadGas: positiveInt.default(150_000),
      /** Confirmations a delivery waits for. Default 1. */
      confirmations: positiveInt.default(1),
    })
    .prefault({}),
  /** Transaction engine policy (bumps, cancellation, fee cap, leases); see @xmargin/tx. */
  tx: txPolicyInputSchema.prefault({}),
  /** RPC policy of every chain (timeouts, retries, rate limits); see @xmargin/chain. */
  rpc: rpcPolicySchema.prefault({}),
  dashboard: z
    .strictObject({
      /** Serve bull-board at `/admin/queues` (also `--dashboard`). Default false. */
      enabled: z.boolean().default(false),
      /** Bearer token for the dashboard: `XMARGIN_BULLBOARD_TOKEN`, never the file. At least 16 characters. */
      token: z.string().min(16, { error: 'use a token of at least 16 characters' }).optional(),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** Signer balances are read at most this often (ms). Default 5 000. */
      balancePollMs: positiveInt.default(5_000),
    })
    .prefault({}),
})

export type KeeperSettings = z.infer<typeof keeperSettingsSchema>
export type KeeperSettingsInput = z.input<typeof keeperSettingsSchema>

/** Environment variables a keeper reads, on top of the service ones (`XMARGIN_DEPLOYMENT`, `REDIS_URL`, …). */
export const keeperEnvBindings: readonly EnvBinding[] = [
  ...serviceEnvBindings,
  { variable: 'XMARGIN_KEEPER_KEYS', path: ['keys', 'signers'], type: 'list' },
  { variable: 'XMARGIN_LZ_RELAYER_KEY', path: ['keys', 'lzRelayer'] },
  { variable: 'XMARGIN_KEEPER_CHAINS', path: ['chains'], type: 'list' },
  { variable: 'XMARGIN_KEEPER_CONCURRENCY', path: ['workers', 'liquidateConcurrency'], type: 'number' },
  { variable: 'XMARGIN_KEEPER_MIN_PROFIT_USD', path: ['liquidation', 'minProfitUsd'], type: 'number' },
  { variable: 'XMARGIN_KEEPER_LZ', path: ['lz', 'enabled'], type: 'boolean' },
  { variable: 'XMARGIN_BULLBOARD', path: ['dashboard', 'enabled'], type: 'boolean' },
  { variable: 'XMARGIN_BULLBOARD_TOKEN', path: ['dashboard', 'token'] },
]

/** Fields that only the environment may set: secrets never go in a settings file. */
export const ENV_ONLY_FIELDS = [
  { path: ['keys', 'signers'], variable: 'XMARGIN_KEEPER_KEYS' },
  { path: ['keys', 'lzRelayer'], variable: 'XMARGIN_LZ_RELAYER_KEY' },
  { path: ['dashboard', 'token'], variable: 'XMARGIN_BULLBOARD_TOKEN' },
] as const
