import { type Deployment, viemChain } from '@xmargin/config'
import { deployXmargin } from '@xmargin/contracts'
import { ANVIL_ACCOUNTS, type Devnet, type DevnetSetupContext, startDevnet } from '@xmargin/devnet'
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  getAddress,
  http,
  type LocalAccount,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { unstickAnvils } from './unstickAnvils.js'

/** One devnet chain as the relay tests use it. */
export type RelayDevnetChain = {
  chainId: number
  rpcUrl: string
  publicClient: PublicClient<Transport, Chain>
  /** Deployer, admin and owner of the mock feeds (anvil account 0). */
  admin: WalletClient<Transport, Chain, Account>
  /** The venue (anvil account 4). */
  venue: WalletClient<Transport, Chain, Account>
  wallet(index: number): WalletClient<Transport, Chain, Account>
  xmargin: {
    contracts: { collateralVault: Address; positionBook: Address; riskGuard: Address; liquidator: Address }
    tokens: { USDC: { address: Address }; WETH: { address: Address } }
    instruments: { ethPerp: number }
    feeds: { readonly [key: string]: Address }
  }
}

export type RelayDevnet = {
  devnet: Devnet
  deployment: Deployment
  chains: RelayDevnetChain[]
  /** The relay's signer set: anvil accounts 5, 6, 7, threshold 2. */
  signers: LocalAccount[]
  cleanup(): Promise<void>
}

const VENUE = 4
const BACKSTOP = 9

/**
 * Three anvil chains with xmargin deployed by `deployXmargin` through `startDevnet` (signers: anvil
 * accounts 5–7, threshold 2; venue 4; backstop 9), as `setupXmarginDevnet` of @xmargin/chain/testing does,
 * plus an unsticker: on a loaded machine anvil now and then leaves an automined transaction pending (a
 * receipt wait then times out after 180 s); every second, any chain with pending transactions mines a block.
 */
export async function setupRelayDevnet(options: { deploymentPath: string }): Promise<RelayDevnet> {
  const signers = [5, 6, 7].map((i) => privateKeyToAccount(ANVIL_ACCOUNTS[i]!.privateKey))
  const urls: string[] = []
  const unstick = unstickAnvils(urls)
  let devnet: Devnet | undefined
  try {
    // A deployment transaction is now and then never mined (deployXmargin would wait 180 s for it): give
    // each attempt 45 s (a deployment takes under a second), then start afresh.
    for (let attempt = 1; !devnet; attempt++) {
      try {
        devnet = await startDevnet({
          chains: 3,
          deploymentPath: options.deploymentPath,
          setup: async ({ deployment, anvils }) => {
            urls.splice(0, urls.length, ...anvils.map((anvil) => anvil.rpcUrl))
            return withTimeout(45_000, deploy(deployment.chains))
          },
        })
      } catch (error) {
        if (attempt >= 3) throw error
      }
    }
  } catch (error) {
    unstick.stop()
    throw error
  }
  function deploy(chains: DevnetSetupContext['deployment']['chains']) {
    return deployXmargin({
      chains: chains.map((chain) => ({
        chainId: chain.chainId,
        rpcUrl: chain.rpcUrls[0]!,
        lzEid: chain.lzEid,
        name: chain.name,
        multicall3: chain.contracts.multicall3,
      })),
      deployerKey: ANVIL_ACCOUNTS[0]!.privateKey,
      signers: { addresses: signers.map((signer) => signer.address), threshold: 2 },
      venueAddress: ANVIL_ACCOUNTS[VENUE]!.address,
      backstopAddress: ANVIL_ACCOUNTS[BACKSTOP]!.address,
    })
  }
  const started = devnet
  const chains = started.deployment.chains.map((config): RelayDevnetChain => {
    const chain = viemChain(config)
    const transport = http(config.rpcUrls[0])
    const wallet = (index: number) =>
      createWalletClient({
        chain,
        account: privateKeyToAccount(ANVIL_ACCOUNTS[index]!.privateKey),
        transport,
      })
    const contract = (name: string) => getAddress(config.contracts[name]!)
    return {
      chainId: config.chainId,
      rpcUrl: config.rpcUrls[0]!,
      publicClient: createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: 20 }),
      admin: wallet(0),
      venue: wallet(VENUE),
      wallet,
      xmargin: {
        contracts: {
          collateralVault: contract('collateralVault'),
          positionBook: contract('positionBook'),
          riskGuard: contract('riskGuard'),
          liquidator: contract('liquidator'),
        },
        tokens: {
          USDC: { address: getAddress(config.tokens.USDC!.address) },
          WETH: { address: getAddress(config.tokens.WETH!.address) },
        },
        instruments: {
          ethPerp: config.instruments!.find((i) => i.kind === 'perp' && i.underlying === 'ETH')!.id,
        },
        feeds: Object.fromEntries(
          Object.entries(config.feeds ?? {}).map(([key, address]) => [key, getAddress(address)]),
        ),
      },
    }
  })
  return {
    devnet: started,
    deployment: started.deployment,
    chains,
    signers,
    async cleanup() {
      unstick.stop()
      await started.stop()
    },
  }
}

function withTimeout<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no deployment within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
