import type { InstrumentConfig } from '@xmargin/config'
import { collateralVaultAbi, mockERC20Abi, positionBookAbi } from '@xmargin/contracts'
import { ApiUnavailableError, type PermitRequest, type PermitResponse } from '@xmargin/sdk'
import { type Address, type Hex, keccak256, parseUnits, stringToHex } from 'viem'
import { DEMO_ACCOUNTS } from '../accounts.js'
import { pollUntil } from '../poll.js'
import type { DemoChain, Stack } from '../stack/startStack.js'

export type DemoKey = { address: Address; privateKey: Hex }

/** Mints a mock token to `owner` and deposits it into the vault on one chain (three transactions). */
export async function deposit(
  chain: DemoChain,
  parameters: { owner: DemoKey; symbol: string; amount: string },
): Promise<void> {
  const token = chain.config.tokens[parameters.symbol]
  const vault = chain.config.contracts.collateralVault
  if (!token || !vault) throw new Error(`deposit: no ${parameters.symbol} or vault on chain ${chain.chainId}`)
  const units = parseUnits(parameters.amount, token.decimals)
  const wallet = chain.wallet(parameters.owner.privateKey)
  const send = async (hash: Promise<Hex>) => {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: await hash })
    if (receipt.status !== 'success')
      throw new Error(`deposit: transaction ${receipt.transactionHash} reverted`)
  }
  await send(
    wallet.writeContract({
      address: token.address,
      abi: mockERC20Abi,
      functionName: 'mint',
      args: [parameters.owner.address, units],
    }),
  )
  await send(
    wallet.writeContract({
      address: token.address,
      abi: mockERC20Abi,
      functionName: 'approve',
      args: [vault, units],
    }),
  )
  await send(
    wallet.writeContract({
      address: vault,
      abi: collateralVaultAbi,
      functionName: 'deposit',
      args: [token.address, units, parameters.owner.address],
    }),
  )
}

/** The listed instrument matching `match` on a chain. */
export function findInstrument(
  chain: DemoChain,
  match: { kind: 'perp' | 'option'; underlying: string; isCall?: boolean },
): InstrumentConfig {
  const found = chain.config.instruments?.find(
    (instrument) =>
      instrument.kind === match.kind &&
      instrument.underlying === match.underlying &&
      (match.isCall === undefined || instrument.isCall === match.isCall),
  )
  if (!found) throw new Error(`no ${match.underlying} ${match.kind} listed on chain ${chain.chainId}`)
  return found
}

let tradeCounter = 0

/**
 * Settles a trade through the venue (the market maker) as a real venue would: each side asks the relay
 * for a directional IncreaseRisk permit (the buyer's position ends long, the seller's short: the demo
 * only opens or grows positions), the relay checks the what-if on the whole cross-chain portfolio and
 * reserves the margin, then the venue calls `PositionBook.settleTrade` with both signed permits.
 */
export async function trade(
  stack: Stack,
  chain: DemoChain,
  parameters: {
    instrument: InstrumentConfig
    buyer: DemoKey
    seller: DemoKey
    size: string
    priceUsd: number
    /** Permits a side already holds (e.g. reserved earlier); the others are requested here. */
    permits?: { buyer?: SignedPermit | undefined; seller?: SignedPermit | undefined } | undefined
  },
): Promise<Hex> {
  const id = tradeCounter++
  const permitFor = (account: Address, side: 'long' | 'short') =>
    requestPermit(stack, {
      account,
      chainId: chain.chainId,
      action: 'increaseRisk',
      instrumentId: parameters.instrument.id,
      amount: parameters.size,
      side,
      requestId: `demo-${Date.now().toString(36)}-${id}-${side}`,
    })
  const [buyerPermit, sellerPermit] = await Promise.all([
    parameters.permits?.buyer ?? permitFor(parameters.buyer.address, 'long'),
    parameters.permits?.seller ?? permitFor(parameters.seller.address, 'short'),
  ])
  const venue = chain.wallet(DEMO_ACCOUNTS.marketMaker.privateKey)
  const tradeArgs = {
    tradeId: keccak256(stringToHex(`demo-trade-${Date.now()}-${id}`)),
    instrumentId: parameters.instrument.id,
    buyer: parameters.buyer.address,
    seller: parameters.seller.address,
    size: parseUnits(parameters.size, 18),
    price: parseUnits(parameters.priceUsd.toFixed(6), 18),
  }
  const { request } = await chain.publicClient.simulateContract({
    account: venue.account,
    address: chain.config.contracts.positionBook!,
    abi: positionBookAbi,
    functionName: 'settleTrade',
    args: [tradeArgs, buyerPermit, sellerPermit],
  })
  // Funding accrual writes more storage at a later timestamp than the estimate's: leave room.
  const hash = await venue.writeContract({ ...request, gas: 1_500_000n })
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new Error(`settleTrade ${hash} reverted`)
  // The relay keeps each permit's margin reserved until it sees the trade on chain: wait for that, so the
  // next permit of the same account is priced on the portfolio with this trade in it.
  await Promise.all(
    [
      [parameters.buyer.address, buyerPermit],
      [parameters.seller.address, sellerPermit],
    ].map(([account, permit]) =>
      waitForPermitUsed(stack, account as Address, (permit as SignedPermit).permit.nonce),
    ),
  )
  return hash
}

/**
 * Asks the relay for a permit as a client should: a `requestId`, and the same request again when the
 * relay answers 5xx (no quorum yet, signers briefly disagreeing, or a relay node that just died: the
 * next call goes to a node that is up). Resolves to the permit and signatures in the contracts' shape.
 */
export async function requestPermit(stack: Stack, request: PermitRequest, attempts = 10) {
  for (let attempt = 1; ; attempt++) {
    try {
      return toSignedPermit(await stack.api().requestPermit(request))
    } catch (error) {
      if (!(error instanceof ApiUnavailableError) || attempt >= attempts) throw error
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
    }
  }
}

/** A permit and its packed signatures, as the contracts take them. */
export type SignedPermit = ReturnType<typeof toSignedPermit>

function toSignedPermit(response: PermitResponse) {
  const permit = response.permit
  return {
    permit: {
      account: permit.account as Address,
      chainId: BigInt(permit.chainId),
      action: permit.action,
      target: permit.target as Hex,
      limit: BigInt(permit.limit),
      nonce: BigInt(permit.nonce),
      epoch: BigInt(permit.epoch),
      expiry: BigInt(permit.expiry),
    },
    signatures: response.signatures as Hex,
  }
}

/** Waits until the relay reports the permit used on chain (its reservation released). */
async function waitForPermitUsed(stack: Stack, account: Address, nonce: bigint, timeoutMs = 30_000) {
  await pollUntil(
    async () => ((await stack.api().permit(account, nonce)).status === 'used' ? true : undefined),
    { timeoutMs, intervalMs: 25, what: `the relay to see permit ${nonce} of ${account} used` },
  )
}

/** Waits until the relay's view of `account` satisfies `until` (it follows the chains by events). */
export async function waitForRelay<T>(
  stack: Stack,
  account: Address,
  until: (health: Awaited<ReturnType<ReturnType<Stack['api']>['health']>>) => T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  let last: string | undefined
  return pollUntil(
    async () => {
      const health = await stack.api().health(account)
      last = `equity ${health.equity}`
      const value = until(health)
      return value !== undefined && value !== false ? value : undefined
    },
    { timeoutMs, what: `the relay to reach the expected state of ${account}`, note: () => last },
  )
}
