import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChainConfig, Deployment } from '@xmargin/config'
import { deployXmargin, type LiquidationParamsSpec } from '@xmargin/contracts'
import { ANVIL_ACCOUNTS, type Devnet, startDevnet } from '@xmargin/devnet'
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  getAddress,
  type Hex,
  http,
  type LocalAccount,
  type PublicClient,
  type TestClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

type Token = { address: Address; decimals: number }

/** One devnet chain with the clients and addresses tests use. */
export type TestChain = {
  chainId: number
  eid: number
  rpcUrl: string
  chain: Chain
  config: ChainConfig
  publicClient: PublicClient<Transport, Chain>
  /** Deployer, admin, feed owner (anvil account 0). */
  admin: WalletClient<Transport, Chain, Account>
  /** VENUE_ROLE (anvil account 4). */
  venue: WalletClient<Transport, Chain, Account>
  test: TestClient<'anvil', Transport, Chain>
  contracts: {
    multicall3: Address
    collateralVault: Address
    positionBook: Address
    oracleRouter: Address
    riskGuard: Address
    liquidator: Address
    messenger: Address
    lzEndpoint: Address
    lzMessageLib: Address
  }
  tokens: { USDC: Token; WETH: Token }
  ethPerp: number
  ethFeed: Address
}

export type KeeperDevnet = {
  devnet: Devnet
  deployment: Deployment
  deploymentPath: string
  chains: TestChain[]
  /** The relay's signer set (anvil accounts 5, 6, 7), threshold 2. */
  relaySigners: LocalAccount[]
  /** Keeper signer keys: anvil accounts 2 and 3. */
  keeperKeys: [Hex, Hex]
  /** The LayerZero relayer key whitelisted on every SimpleMessageLib (anvil account 1). */
  relayerKey: Hex
  /** Takes the other side of every trader's trade (anvil account 8). */
  counterparty: Address
  /** Back to the state right after deployment, on every chain. */
  reset(): Promise<void>
  cleanup(): Promise<void>
}

/**
 * Three (or `chains`) anvil chains with xmargin deployed by `deployXmargin` (the real contracts, the local
 * LayerZero stack with anvil account 1 as whitelisted relayer), Redis, and a deployment file in a temporary
 * directory. Admin and feed owner: account 0; venue: 4; relay signers: 5-7 (threshold 2); counterparty: 8;
 * backstop: 9; keepers: 2 and 3. `cleanup` stops every process it started.
 */
export async function setupKeeperDevnet(
  options: {
    chains?: number
    blockTimeS?: number | undefined
    gasLimit?: bigint | undefined
    maxAttestationAgeS?: number
    liquidation?: Partial<LiquidationParamsSpec> | undefined
  } = {},
): Promise<KeeperDevnet> {
  const relaySigners = [5, 6, 7].map((i) => privateKeyToAccount(ANVIL_ACCOUNTS[i]!.privateKey))
  const admin = privateKeyToAccount(ANVIL_ACCOUNTS[0]!.privateKey)
  const venue = privateKeyToAccount(ANVIL_ACCOUNTS[4]!.privateKey)
  const dir = mkdtempSync(join(tmpdir(), 'xmargin-keeper-'))
  const devnet = await startDevnet({
    chains: options.chains ?? 3,
    deploymentPath: join(dir, 'deployment.json'),
    blockTimeS: options.blockTimeS,
    gasLimit: options.gasLimit,
    setup: async ({ deployment, onProgress }) =>
      deployXmargin({
        chains: deployment.chains.map((chain) => ({
          chainId: chain.chainId,
          rpcUrl: chain.rpcUrls[0]!,
          lzEid: chain.lzEid,
          name: chain.name,
          multicall3: chain.contracts.multicall3,
        })),
        deployerKey: ANVIL_ACCOUNTS[0]!.privateKey,
        signers: { addresses: relaySigners.map((signer) => signer.address), threshold: 2 },
        venueAddress: venue.address,
        backstopAddress: ANVIL_ACCOUNTS[9]!.address,
        maxAttestationAgeS: options.maxAttestationAgeS ?? 3_600,
        liquidation: options.liquidation,
        onProgress,
      }),
  })
  const chains = devnet.anvils.map((anvil): TestChain => {
    const config = devnet.deployment.chains.find((chain) => chain.chainId === anvil.chainId)!
    const chain = defineChain({
      id: anvil.chainId,
      name: config.name,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [anvil.rpcUrl] } },
      contracts: { multicall3: { address: config.contracts.multicall3 } },
    })
    const transport = http(anvil.rpcUrl)
    const contract = (name: string) => getAddress(config.contracts[name]!)
    const token = (symbol: string): Token => ({
      address: getAddress(config.tokens[symbol]!.address),
      decimals: config.tokens[symbol]!.decimals,
    })
    const ethPerp = config.instruments!.find((i) => i.kind === 'perp' && i.underlying === 'ETH')!.id
    return {
      chainId: anvil.chainId,
      eid: config.lzEid,
      rpcUrl: anvil.rpcUrl,
      chain,
      config,
      publicClient: createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: 50 }),
      admin: createWalletClient({ chain, account: admin, transport }),
      venue: createWalletClient({ chain, account: venue, transport }),
      test: createTestClient({ chain, mode: 'anvil', transport }),
      contracts: {
        multicall3: getAddress(config.contracts.multicall3),
        collateralVault: contract('collateralVault'),
        positionBook: contract('positionBook'),
        oracleRouter: contract('oracleRouter'),
        riskGuard: contract('riskGuard'),
        liquidator: contract('liquidator'),
        messenger: contract('messenger'),
        lzEndpoint: contract('lzEndpoint'),
        lzMessageLib: contract('lzMessageLib'),
      },
      tokens: { USDC: token('USDC'), WETH: token('WETH') },
      ethPerp,
      ethFeed: getAddress(config.feeds!.ETH!),
    }
  })
  const snapshots = await Promise.all(chains.map((chain) => chain.test.snapshot()))
  return {
    devnet,
    deployment: devnet.deployment,
    deploymentPath: devnet.deploymentPath,
    chains,
    relaySigners,
    keeperKeys: [ANVIL_ACCOUNTS[2]!.privateKey, ANVIL_ACCOUNTS[3]!.privateKey],
    relayerKey: ANVIL_ACCOUNTS[1]!.privateKey,
    counterparty: ANVIL_ACCOUNTS[8]!.address,
    async reset() {
      await Promise.all(
        chains.map(async (chain, i) => {
          await chain.test.setAutomine(true)
          await chain.test.revert({ id: snapshots[i]! })
          snapshots[i] = await chain.test.snapshot()
        }),
      )
    },
    async cleanup() {
      await devnet.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
