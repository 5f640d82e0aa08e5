import { z } from 'zod'
import { addressSchema, chainIdSchema, rpcUrlSchema } from './primitives.js'

/** An ERC-20 the deployment knows by symbol. */
export const tokenSchema = z.strictObject({
  address: addressSchema,
  decimals: z.number().int().min(0).max(36),
})

/** A non-negative integer written as a decimal string (bigints travel as strings), e.g. a wad amount. */
export const decimalStringSchema = z
  .string()
  .regex(/^\d+$/, { error: 'expected a non-negative integer as a decimal string' })

/** An instrument listed on the chain's PositionBook. */
export const instrumentSchema = z.strictObject({
  /** PositionBook `instrumentId` (sequential from 1, per chain). */
  id: z.number().int().positive().max(0xffffffff),
  kind: z.enum(['perp', 'option']),
  /** OracleRouter key of the underlying, e.g. `ETH`. */
  underlying: z.string().min(1).max(31),
  /** Option expiry (unix seconds); 0 for perps. */
  expiry: z.number().int().min(0),
  /** Option strike, wad USD as a decimal string; "0" for perps. */
  strike: decimalStringSchema,
  isCall: z.boolean(),
  /** Display name, e.g. `ETH-PERP` or `ETH-20260131-3000-C`. */
  symbol: z.string().min(1).optional(),
})

/** The relay's signer set the chain's RiskGuard was deployed with. */
export const signerSetSchema = z.strictObject({
  epoch: z.number().int().positive(),
  threshold: z.number().int().positive().max(255),
  /** Strictly ascending addresses (the order signatures must follow). */
  addresses: z.array(addressSchema).min(1),
})

/** Who holds which xmargin role on the chain. */
export const rolesSchema = z.strictObject({
  /** DEFAULT_ADMIN_ROLE on every contract and owner of the Messenger and LayerZero endpoint. */
  admin: addressSchema,
  /** May settle trades on the PositionBook (the venue's settlement key). */
  venue: addressSchema,
  /** The backstop (insurance fund) account. */
  backstop: addressSchema,
  /** May set perp funding rates. */
  funding: addressSchema,
  /** The LayerZero relayer (DVN/executor) key whitelisted on the local message library, if any. */
  lzRelayer: addressSchema.optional(),
})

/** One chain of a deployment: where to reach it and what is deployed there. */
export const chainConfigSchema = z.strictObject({
  /** EVM chain id (`eth_chainId`). */
  chainId: chainIdSchema,
  /** Human name used in logs. */
  name: z.string().min(1),
  /** RPC endpoints in order of preference; at least one. */
  rpcUrls: z.array(rpcUrlSchema).min(1),
  /** LayerZero V2 endpoint id of this chain (not the chain id). */
  lzEid: z.number().int().positive().max(0xffffffff),
  /** Blocks a log must be buried under before it is acted on. Default 0 on a devnet. */
  confirmations: z.number().int().min(0).default(0),
  /** Contract addresses by name. Multicall3 is required: every read goes through it. */
  contracts: z.object({ multicall3: addressSchema }).catchall(addressSchema),
  /** ERC-20 tokens by symbol (collateral assets). */
  tokens: z.record(z.string(), tokenSchema).default({}),
  /** Block in which the xmargin contracts were deployed: where event cursors start. */
  deployBlock: z.number().int().min(0).optional(),
  /** Symbol (a key of `tokens`) of the settlement asset, the vault's cash. */
  settlementToken: z.string().min(1).optional(),
  /** Chainlink-style USD price feeds by OracleRouter key (e.g. `ETH`). */
  feeds: z.record(z.string(), addressSchema).optional(),
  /** Instruments listed on the PositionBook. */
  instruments: z.array(instrumentSchema).optional(),
  /** The signer set the RiskGuard was deployed with. */
  signers: signerSetSchema.optional(),
  /** Role holders. */
  roles: rolesSchema.optional(),
})

/** A deployment file: every chain xmargin runs on. */
export const deploymentSchema = z
  .strictObject({
    /** Format version of this file. */
    version: z.literal(1),
    /** Name of the deployment, e.g. `devnet`. */
    name: z.string().min(1),
    /** When the file was written (ISO 8601). */
    createdAt: z.iso.datetime().optional(),
    chains: z.array(chainConfigSchema).min(1),
  })
  .superRefine((deployment, ctx) => {
    const seenChainIds = new Map<number, number>()
    const seenEids = new Map<number, number>()
    deployment.chains.forEach((chain, index) => {
      const chainIdAt = seenChainIds.get(chain.chainId)
      if (chainIdAt !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['chains', index, 'chainId'],
          message: `duplicate chain id ${chain.chainId} (also chains[${chainIdAt}])`,
        })
      seenChainIds.set(chain.chainId, index)
      const eidAt = seenEids.get(chain.lzEid)
      if (eidAt !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['chains', index, 'lzEid'],
          message: `duplicate LayerZero endpoint id ${chain.lzEid} (also chains[${eidAt}])`,
        })
      seenEids.set(chain.lzEid, index)
    })
  })

export type Deployment = z.infer<typeof deploymentSchema>
export type DeploymentInput = z.input<typeof deploymentSchema>
export type ChainConfig = z.infer<typeof chainConfigSchema>
export type TokenConfig = z.infer<typeof tokenSchema>
export type InstrumentConfig = z.infer<typeof instrumentSchema>
export type SignerSetConfig = z.infer<typeof signerSetSchema>
export type RolesConfig = z.infer<typeof rolesSchema>
