import { type DeploymentInput, deploymentSchema } from '@xmargin/config'
import { type Address, createClient, getAddress, type Hex, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { getBlock, getChainId, getGasPrice, getTransactionCount } from 'viem/actions'
import { deployMulticall3 } from '../deployMulticall3.js'
import {
  ANVIL_ACCOUNT_1,
  DEFAULT_INSTRUMENTS,
  DEFAULT_LIQUIDATION_PARAMS,
  DEFAULT_MAX_ATTESTATION_AGE_S,
  DEFAULT_MESSENGER_FUNDING_WEI,
  DEFAULT_SEIZE_REQUEST_GAS,
  DEFAULT_SEIZE_RESULT_GAS,
  DEFAULT_TOKENS,
  DEFAULT_TRADE_PRICE_BAND,
  DEFAULT_UNDERLYINGS,
  type InstrumentSpec,
  type LiquidationParamsSpec,
  type TokenSpec,
  type UnderlyingSpec,
} from './defaults.js'
import { DeployError } from './errors.js'
import { planChainDeployment, predictMessengerAddress } from './planChainDeployment.js'
import { sendTransactions } from './sendTransactions.js'

export type DeployXmarginChain = {
  chainId: number
  rpcUrl: string
  /** LayerZero endpoint id of the chain. */
  lzEid: number
  name: string
  /** Where Multicall3 is (any case); default: placed or deployed by `deployMulticall3`. */
  multicall3?: string | undefined
  /** Default 0. */
  confirmations?: number | undefined
  /** Instruments of this chain; default `parameters.instruments`. */
  instruments?: readonly InstrumentSpec[] | undefined
}

export type DeployXmarginParameters = {
  chains: readonly DeployXmarginChain[]
  /** Deploys everything and holds every admin role (a test key on the devnet: anvil account 0). */
  deployerKey: Hex
  /** The relay's signer set (any order; stored ascending) and its threshold. */
  signers: { addresses: readonly Address[]; threshold: number }
  /** The key allowed to verify packets on each chain's SimpleMessageLib. Default anvil account 1. */
  relayerAddress?: Address | undefined
  /** PositionBook VENUE_ROLE. Default: the deployer. */
  venueAddress?: Address | undefined
  /** The backstop account. Default: the deployer. */
  backstopAddress?: Address | undefined
  /** PositionBook FUNDING_ROLE. Default: the deployer. */
  fundingAddress?: Address | undefined
  /** Default USDC (6, settlement), WETH (18, ETH), WBTC (8, BTC). */
  tokens?: readonly TokenSpec[] | undefined
  /** Default ETH at 3000 and BTC at 60 000 USD. */
  underlyings?: readonly UnderlyingSpec[] | undefined
  /** Default ETH-PERP, BTC-PERP and an ETH 3000 call and put expiring in 30 days, on every chain. */
  instruments?: readonly InstrumentSpec[] | undefined
  liquidation?: Partial<LiquidationParamsSpec> | undefined
  /** Default 120 s. */
  maxAttestationAgeS?: number | undefined
  /** Default 0.1 (10%). */
  tradePriceBand?: number | undefined
  /** LZ_RECEIVE gas enforced per message kind. */
  lzGas?: { seizeRequest?: bigint | undefined; seizeResult?: bigint | undefined } | undefined
  /** Native balance given to each Messenger for reply fees. Default 1 ether. */
  messengerFundingWei?: bigint | undefined
  /** Deployment name. Default `devnet`. */
  name?: string | undefined
  onProgress?: ((line: string) => void) | undefined
}

export type DeployXmarginReturnType = DeploymentInput

/**
 * Deploys and wires xmargin on every chain at once: mock tokens and feeds, RiskGuard with the signer
 * set, OracleRouter, CollateralVault, PositionBook, the local LayerZero stack (EndpointV2 and
 * SimpleMessageLib as default library for every other chain, the relayer whitelisted), Messenger with
 * peers and enforced options, Liquidator, roles and instruments. Every chain's transactions are sent
 * in one pipelined batch (addresses follow from nonces), so three chains take well under a second on
 * anvil. Seeds nothing user-specific. Returns a deployment valid against `@xmargin/config`'s schema.
 *
 * @example
 * const deployment = await deployXmargin({
 *   chains: [{ chainId: 31337, rpcUrl, lzEid: 40101, name: 'devnet-a' }],
 *   deployerKey: ANVIL_ACCOUNTS[0].privateKey,
 *   signers: { addresses: signerAddresses, threshold: 2 },
 * })
 */
export async function deployXmargin(parameters: DeployXmarginParameters): Promise<DeployXmarginReturnType> {
  const onProgress = parameters.onProgress ?? (() => {})
  const account = privateKeyToAccount(parameters.deployerKey)
  const signers = sortedSigners(parameters.signers)
  const eids = new Set(parameters.chains.map((chain) => chain.lzEid))
  if (eids.size !== parameters.chains.length)
    throw new DeployError('deployXmargin: two chains share a LayerZero eid')
  const tokens = parameters.tokens ?? DEFAULT_TOKENS
  const underlyings = parameters.underlyings ?? DEFAULT_UNDERLYINGS
  const started = Date.now()

  const states = await Promise.all(
    parameters.chains.map(async (chain) => {
      const client = createClient({ account, transport: http(chain.rpcUrl, { batch: true }) })
      const chainId = await getChainId(client)
      if (chainId !== chain.chainId)
        throw new DeployError(
          `deployXmargin: ${chain.name} answers chain id ${chainId}, expected ${chain.chainId}`,
        )
      const multicall3 = chain.multicall3
        ? getAddress(chain.multicall3)
        : (await deployMulticall3(client, { account })).address
      const [firstNonce, block, gasPrice] = await Promise.all([
        getTransactionCount(client, { address: account.address, blockTag: 'pending' }),
        getBlock(client),
        getGasPrice(client),
      ])
      return { chain, client, multicall3, firstNonce, now: Number(block.timestamp), gasPrice }
    }),
  )
  const messengers = states.map((state) =>
    predictMessengerAddress({
      deployer: account.address,
      firstNonce: state.firstNonce,
      tokenCount: tokens.length,
      underlyingCount: underlyings.length,
    }),
  )

  const roles = {
    admin: account.address,
    venue: parameters.venueAddress ?? account.address,
    backstop: parameters.backstopAddress ?? account.address,
    funding: parameters.fundingAddress ?? account.address,
    lzRelayer: parameters.relayerAddress ?? ANVIL_ACCOUNT_1,
  }
  const deployed = await Promise.all(
    states.map(async (state, i) => {
      const plan = planChainDeployment({
        chainId: state.chain.chainId,
        lzEid: state.chain.lzEid,
        deployer: account.address,
        firstNonce: state.firstNonce,
        now: state.now,
        venue: roles.venue,
        backstop: roles.backstop,
        funding: roles.funding,
        lzRelayer: roles.lzRelayer,
        signers: signers.addresses,
        threshold: signers.threshold,
        tokens,
        underlyings,
        instruments: state.chain.instruments ?? parameters.instruments ?? DEFAULT_INSTRUMENTS,
        liquidation: { ...DEFAULT_LIQUIDATION_PARAMS, ...definedOnly(parameters.liquidation ?? {}) },
        maxAttestationAgeS: parameters.maxAttestationAgeS ?? DEFAULT_MAX_ATTESTATION_AGE_S,
        tradePriceBand: parameters.tradePriceBand ?? DEFAULT_TRADE_PRICE_BAND,
        remotes: states
          .map((other, j) => ({ eid: other.chain.lzEid, messenger: messengers[j]! }))
          .filter((_, j) => j !== i),
        seizeRequestGas: parameters.lzGas?.seizeRequest ?? DEFAULT_SEIZE_REQUEST_GAS,
        seizeResultGas: parameters.lzGas?.seizeResult ?? DEFAULT_SEIZE_RESULT_GAS,
        messengerFundingWei: parameters.messengerFundingWei ?? DEFAULT_MESSENGER_FUNDING_WEI,
      })
      const receipts = await sendTransactions(state.client, {
        account,
        chainId: state.chain.chainId,
        firstNonce: state.firstNonce,
        // legacy transactions: twice the current price stays above anvil's base fee while it moves
        gasPrice: state.gasPrice * 2n,
        transactions: plan.transactions,
      })
      onProgress(
        `xmargin on ${state.chain.name} (${state.chain.chainId}): ${plan.transactions.length} transactions, ` +
          `Liquidator ${plan.contracts.liquidator}`,
      )
      return { plan, deployBlock: Number(receipts[0]!.blockNumber) }
    }),
  )

  const deployment: DeploymentInput = {
    version: 1,
    name: parameters.name ?? 'devnet',
    createdAt: new Date().toISOString(),
    chains: states.map((state, i) => {
      const { plan, deployBlock } = deployed[i]!
      return {
        chainId: state.chain.chainId,
        name: state.chain.name,
        rpcUrls: [state.chain.rpcUrl],
        lzEid: state.chain.lzEid,
        confirmations: state.chain.confirmations ?? 0,
        contracts: { multicall3: state.multicall3, ...plan.contracts },
        tokens: plan.tokens,
        deployBlock,
        settlementToken: plan.settlementToken,
        feeds: plan.feeds,
        instruments: plan.instruments,
        signers: { epoch: 1, threshold: signers.threshold, addresses: [...signers.addresses] },
        roles,
      }
    }),
  }
  const checked = deploymentSchema.safeParse(deployment)
  if (!checked.success)
    throw new DeployError('deployXmargin: the deployment does not match the schema', {
      details: checked.error.message,
    })
  onProgress(`xmargin deployed on ${states.length} chains in ${Date.now() - started} ms`)
  return deployment
}

function sortedSigners(signers: DeployXmarginParameters['signers']): {
  addresses: Address[]
  threshold: number
} {
  const addresses = [...signers.addresses].sort((a, b) =>
    BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0,
  )
  for (let i = 1; i < addresses.length; i++)
    if (BigInt(addresses[i]!) === BigInt(addresses[i - 1]!))
      throw new DeployError(`deployXmargin: signer ${addresses[i]} is listed twice`)
  if (addresses.length === 0 || addresses.length > 32)
    throw new DeployError(`deployXmargin: 1 to 32 signers are needed, got ${addresses.length}`)
  if (!Number.isInteger(signers.threshold) || signers.threshold < 1 || signers.threshold > addresses.length)
    throw new DeployError(
      `deployXmargin: threshold ${signers.threshold} is not within 1..${addresses.length}`,
    )
  return { addresses, threshold: signers.threshold }
}

function definedOnly<T extends object>(value: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>
  }>
}
