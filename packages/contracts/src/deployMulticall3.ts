import type { Account, Address, Chain, Client, Transport } from 'viem'
import { deployContract, getCode, waitForTransactionReceipt } from 'viem/actions'
import { multicall3Abi, multicall3Bytecode, multicall3DeployedBytecode } from './generated/index.js'

/** Where Multicall3 lives on every public chain; the devnet puts it there too. */
export const MULTICALL3_ADDRESS: Address = '0xcA11bde05977b3631167028862bE2a173976CA11'

export type DeployMulticall3Parameters = {
  /** Deployer for chains that cannot set code directly (not anvil). Default: the client's account. */
  account?: Account | Address | undefined
}

export type DeployMulticall3ReturnType = {
  address: Address
  /** `existing`: already there; `setCode`: placed at the canonical address (anvil); `deployed`: by a transaction. */
  how: 'existing' | 'setCode' | 'deployed'
}

/**
 * Makes Multicall3 available on a chain: keeps the canonical one when present, places the runtime code
 * at the canonical address on anvil (`anvil_setCode`), and otherwise deploys it with a transaction.
 *
 * @example const { address } = await deployMulticall3(walletClient)
 */
export async function deployMulticall3(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: DeployMulticall3Parameters = {},
): Promise<DeployMulticall3ReturnType> {
  const existing = await getCode(client, { address: MULTICALL3_ADDRESS })
  if (existing && existing !== '0x') return { address: MULTICALL3_ADDRESS, how: 'existing' }

  const placed = await client
    .request({
      method: 'anvil_setCode' as 'eth_chainId',
      params: [MULTICALL3_ADDRESS, multicall3DeployedBytecode] as never,
    })
    .then(
      () => true,
      () => false, // not an anvil node: deploy with a transaction below
    )
  if (placed) return { address: MULTICALL3_ADDRESS, how: 'setCode' }

  const account = parameters.account ?? client.account
  if (!account)
    throw new Error('deployMulticall3: the chain cannot set code and no deployer account was given')
  const hash = await deployContract(client, {
    abi: multicall3Abi,
    bytecode: multicall3Bytecode,
    account,
    chain: client.chain ?? null,
  })
  const receipt = await waitForTransactionReceipt(client, { hash })
  if (!receipt.contractAddress) throw new Error(`deployMulticall3: no contract address in receipt ${hash}`)
  return { address: receipt.contractAddress, how: 'deployed' }
}
