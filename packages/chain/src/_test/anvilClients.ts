import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import {
  type Address,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type HttpTransport,
  http,
  type PublicClient,
  type TestClient,
  type WalletClient,
} from 'viem'
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'

export type AnvilClients = {
  chain: Chain
  account: PrivateKeyAccount
  wallet: WalletClient<HttpTransport, Chain, PrivateKeyAccount>
  public: PublicClient<HttpTransport, Chain>
  test: TestClient<'anvil', HttpTransport, Chain>
}

/** Wallet, public and anvil test clients for one local chain (account `accountIndex` signs). */
export function anvilClients(rpcUrl: string, chainId = 31337, accountIndex = 0): AnvilClients {
  const chain = defineChain({
    id: chainId,
    name: `anvil-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    contracts: { multicall3: { address: '0xcA11bde05977b3631167028862bE2a173976CA11' as Address } },
  })
  const account = privateKeyToAccount(ANVIL_ACCOUNTS[accountIndex]!.privateKey)
  return {
    chain,
    account,
    wallet: createWalletClient({ chain, account, transport: http(rpcUrl) }),
    public: createPublicClient({ chain, transport: http(rpcUrl), cacheTime: 0 }),
    test: createTestClient({ chain, mode: 'anvil', transport: http(rpcUrl) }),
  }
}
