import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChainConfig, Deployment } from '@xmargin/config'
import { deployXmargin } from '@xmargin/contracts'
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
  http,
  type LocalAccount,
  type PublicClient,
  type TestClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

type Token = { address: Address; decimals: number }

/** What `deployXmargin` put on one chain, in the shape tests use. */
export type XmarginChainContracts = {
  contracts: {
    collateralVault: Address
    positionBook: Address
    oracleRouter: Address
    riskGuard: Address
    liquidator: Address
    messenger: Address
  }
  tokens: { USDC: Token; WETH: Token; WBTC: Token }
  /** Instrument ids: ETH perp, BTC perp, ETH call and put at 3 000. */
  instruments: { ethPerp: number; btcPerp: number; ethCall: number; ethPut: number }
  /** Expiry of the ETH options (seconds). */
  optionExpiry: bigint
  /** Mock feeds by OracleRouter key (`ETH`) and vol feeds by `<key>:vol:<expiry>`. */
  feeds: { readonly [key: string]: Address }
}

/** Clients and deployed contracts of one devnet chain. */
export type DevnetChain = {
  chainId: number
  rpcUrl: string
  chain: Chain
  config: ChainConfig
  xmargin: XmarginChainContracts
  publicClient: PublicClient<Transport, Chain>
  /** Deployer, admin, funding role and mock-feed owner (anvil account 0). */
  admin: WalletClient<Transport, Chain, Account>
  /** The venue with VENUE_ROLE (anvil account 4). */
  venue: WalletClient<Transport, Chain, Account>
  test: TestClient<'anvil', Transport, Chain>
  /** A wallet for anvil account `index`. */
  wallet(index: number): WalletClient<Transport, Chain, Account>
}

export type XmarginDevnet = {
  devnet: Devnet
  deployment: Deployment
  chains: DevnetChain[]
  /** The relay's signer set (anvil accounts 5, 6, 7), threshold 2. */
  signers: LocalAccount[]
  /** The backstop account (anvil account 9). */
  backstop: Address
  cleanup(): Promise<void>
}

const VENUE = 4
const BACKSTOP = 9

/**
 * Three anvil chains (31337..31339) with Multicall3, Redis, and xmargin deployed and wired on each by
 * `deployXmargin` (mock USDC/WETH/WBTC, ETH 3 000 and BTC 60 000 feeds, ETH 3 000 call and put in 30 days).
 * Venue: anvil account 4; signers: accounts 5-7 (threshold 2); backstop: account 9. `cleanup` stops every
 * process it started.
 */
export async function setupXmarginDevnet(
  options: { chains?: number; deploymentPath?: string; onProgress?: (line: string) => void } = {},
): Promise<XmarginDevnet> {
  const signers = [5, 6, 7].map((i) => privateKeyToAccount(ANVIL_ACCOUNTS[i]!.privateKey))
  const admin = privateKeyToAccount(ANVIL_ACCOUNTS[0]!.privateKey)
  const venue = privateKeyToAccount(ANVIL_ACCOUNTS[VENUE]!.privateKey)
  const backstop = ANVIL_ACCOUNTS[BACKSTOP]!.address
  const devnet = await startDevnet({
    chains: options.chains ?? 3,
    deploymentPath:
      options.deploymentPath ?? join(tmpdir(), `xmargin-devnet-${process.pid}-${Date.now()}.json`),
    onProgress: options.onProgress,
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
        signers: { addresses: signers.map((signer) => signer.address), threshold: 2 },
        venueAddress: venue.address,
        backstopAddress: backstop,
        onProgress,
      }),
  })
  const chains = devnet.anvils.map((anvil): DevnetChain => {
    const config = devnet.deployment.chains.find((chain) => chain.chainId === anvil.chainId)!
    const chain = defineChain({
      id: anvil.chainId,
      name: config.name,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [anvil.rpcUrl] } },
      contracts: { multicall3: { address: config.contracts.multicall3 } },
    })
    const transport = http(anvil.rpcUrl)
    return {
      chainId: anvil.chainId,
      rpcUrl: anvil.rpcUrl,
      chain,
      config,
      xmargin: xmarginOf(config),
      publicClient: createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: 20 }),
      admin: createWalletClient({ chain, account: admin, transport }),
      venue: createWalletClient({ chain, account: venue, transport }),
      test: createTestClient({ chain, mode: 'anvil', transport }),
      wallet: (index) =>
        createWalletClient({
          chain,
          account: privateKeyToAccount(ANVIL_ACCOUNTS[index]!.privateKey),
          transport,
        }),
    }
  })
  const cleanup = async () => {
    await devnet.stop()
    if (!options.deploymentPath) await rm(devnet.deploymentPath, { force: true })
  }
  return { devnet, deployment: devnet.deployment, chains, signers, backstop, cleanup }
}

function xmarginOf(config: ChainConfig): XmarginChainContracts {
  const contract = (name: string) => getAddress(config.contracts[name]!)
  const instruments = config.instruments ?? []
  const find = (kind: 'perp' | 'option', underlying: string, isCall = false) => {
    const found = instruments.find(
      (instrument) =>
        instrument.kind === kind &&
        instrument.underlying === underlying &&
        (kind === 'perp' || instrument.isCall === isCall),
    )
    if (!found) throw new Error(`chain ${config.chainId} lists no ${underlying} ${kind}`)
    return found
  }
  const ethCall = find('option', 'ETH', true)
  const token = (symbol: string): Token => {
    const found = config.tokens[symbol]
    if (!found) throw new Error(`chain ${config.chainId} has no token ${symbol}`)
    return { address: getAddress(found.address), decimals: found.decimals }
  }
  return {
    contracts: {
      collateralVault: contract('collateralVault'),
      positionBook: contract('positionBook'),
      oracleRouter: contract('oracleRouter'),
      riskGuard: contract('riskGuard'),
      liquidator: contract('liquidator'),
      messenger: contract('messenger'),
    },
    tokens: { USDC: token('USDC'), WETH: token('WETH'), WBTC: token('WBTC') },
    instruments: {
      ethPerp: find('perp', 'ETH').id,
      btcPerp: find('perp', 'BTC').id,
      ethCall: ethCall.id,
      ethPut: find('option', 'ETH', false).id,
    },
    optionExpiry: BigInt(ethCall.expiry),
    feeds: Object.fromEntries(
      Object.entries(config.feeds ?? {}).map(([key, address]) => [key, getAddress(address)]),
    ),
  }
}
