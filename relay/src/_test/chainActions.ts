import { seedDeposits } from '@xmargin/chain/testing'
import { liquidatorAbi, mockAggregatorAbi, positionBookAbi, riskGuardAbi } from '@xmargin/contracts'
import type { JobData } from '@xmargin/queue'
import type { PermitResponse, XmarginClient } from '@xmargin/sdk'
import { type Address, keccak256, stringToHex, type TransactionReceipt } from 'viem'
import type { RelayDevnetChain as DevnetChain } from './setupRelayDevnet.js'

const MULTICALL3: Address = '0xcA11bde05977b3631167028862bE2a173976CA11'

/** Credits `amount` token units of `symbol` to `account` on a devnet chain (Multicall3 mints and deposits). */
export async function deposit(chain: DevnetChain, symbol: 'USDC' | 'WETH', account: Address, amount: bigint) {
  await seedDeposits({
    wallet: chain.admin,
    publicClient: chain.publicClient,
    multicall3: MULTICALL3,
    vault: chain.xmargin.contracts.collateralVault,
    token: chain.xmargin.tokens[symbol].address,
    deposits: [{ account, amount }],
  })
}

/** Moves the mock ETH (or BTC) feed of every chain to `usd` and waits for the blocks. */
export async function setPrice(chains: readonly DevnetChain[], key: 'ETH' | 'BTC', usd: number) {
  await Promise.all(
    chains.map(async (chain) => {
      const hash = await chain.admin.writeContract({
        address: chain.xmargin.feeds[key]!,
        abi: mockAggregatorAbi,
        functionName: 'setAnswer',
        args: [BigInt(Math.round(usd * 1e8))],
      })
      await chain.publicClient.waitForTransactionReceipt({ hash })
    }),
  )
}

/** The contract form of a permit the relay granted. */
export function signedPermit(response: PermitResponse) {
  const p = response.permit
  return {
    permit: {
      account: p.account as Address,
      chainId: BigInt(p.chainId),
      action: p.action,
      target: p.target as `0x${string}`,
      limit: BigInt(p.limit),
      nonce: BigInt(p.nonce),
      epoch: BigInt(p.epoch),
      expiry: BigInt(p.expiry),
    },
    signatures: response.signatures as `0x${string}`,
  }
}

let trades = 0

/** A venue trade in which both sides carry IncreaseRisk permits granted by the relay. */
export async function trade(
  chain: DevnetChain,
  client: XmarginClient,
  parameters: { instrumentId: number; buyer: Address; seller: Address; size: string; price: bigint },
): Promise<TransactionReceipt> {
  const request = (account: Address) =>
    client.requestPermit({
      account,
      chainId: chain.chainId,
      action: 'increaseRisk',
      instrumentId: parameters.instrumentId,
      amount: parameters.size,
    })
  const [buyer, seller] = await Promise.all([request(parameters.buyer), request(parameters.seller)])
  const size = BigInt(Math.round(Number(parameters.size) * 1e6)) * 10n ** 12n
  const hash = await chain.venue.writeContract({
    address: chain.xmargin.contracts.positionBook,
    abi: positionBookAbi,
    functionName: 'settleTrade',
    args: [
      {
        tradeId: keccak256(stringToHex(`relay-test-trade-${process.pid}-${trades++}`)),
        instrumentId: parameters.instrumentId,
        buyer: parameters.buyer,
        seller: parameters.seller,
        size,
        price: parameters.price,
      },
      signedPermit(buyer),
      signedPermit(seller),
    ],
  })
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new Error('settleTrade reverted')
  return receipt
}

/** Posts a `postAttestation` job's health to the chain's RiskGuard (what a keeper does). */
export async function postHealth(chain: DevnetChain, job: JobData<'postAttestation'>) {
  const keeper = chain.wallet(8)
  // Simulated first: a revert fails with its decoded custom error instead of a reverted receipt.
  const { request } = await chain.publicClient.simulateContract({
    account: keeper.account,
    blockTag: 'pending',
    address: chain.xmargin.contracts.riskGuard,
    abi: riskGuardAbi,
    functionName: 'postHealth',
    args: [job.health, job.signatures],
  })
  const hash = await keeper.writeContract(request)
  return chain.publicClient.waitForTransactionReceipt({ hash })
}

/** Executes a `liquidate` job on chain (what a keeper does): closes toward zero, no remote seizure. */
export async function liquidate(
  chain: DevnetChain,
  job: JobData<'liquidate'>,
  positionSizes: ReadonlyMap<number, bigint>,
) {
  const closes = (job.closes ?? []).map((close) => ({
    instrumentId: close.instrumentId,
    size: (positionSizes.get(close.instrumentId) ?? 0n) > 0n ? -close.size : close.size,
  }))
  const keeper = chain.wallet(8)
  // at the pending block: the Liquidator wants the attestation's anchor below the block it runs in
  const { request } = await chain.publicClient.simulateContract({
    account: keeper.account,
    blockTag: 'pending',
    address: chain.xmargin.contracts.liquidator,
    abi: liquidatorAbi,
    functionName: 'liquidate',
    args: [job.account, job.health, job.signatures, { closes, routes: [] }],
  })
  const hash = await keeper.writeContract(request)
  return chain.publicClient.waitForTransactionReceipt({ hash })
}
