import { positionBookAbi, riskGuardAbi } from '@xmargin/contracts'
import {
  type Account,
  type Address,
  type Chain,
  concat,
  type Hex,
  keccak256,
  type LocalAccount,
  numberToHex,
  type PublicClient,
  stringToHex,
  type Transport,
  type WalletClient,
} from 'viem'

/** EIP-712 `MarginPermit`, field for field as RiskGuard declares it. */
const MARGIN_PERMIT_TYPES = {
  MarginPermit: [
    { name: 'account', type: 'address' },
    { name: 'chainId', type: 'uint64' },
    { name: 'action', type: 'uint8' },
    { name: 'target', type: 'bytes32' },
    { name: 'limit', type: 'uint256' },
    { name: 'nonce', type: 'uint64' },
    { name: 'epoch', type: 'uint64' },
    { name: 'expiry', type: 'uint64' },
  ],
} as const

let nonceCounter = BigInt(Date.now()) * 1_000n

export type SettleTradeParameters = {
  /** The venue (holds VENUE_ROLE). */
  venue: WalletClient<Transport, Chain, Account>
  publicClient: PublicClient<Transport, Chain>
  positionBook: Address
  riskGuard: Address
  /** A quorum of the signer set; signatures are packed in ascending signer order. */
  signers: readonly LocalAccount[]
  instrumentId: number
  buyer: Address
  seller: Address
  /** Wad units of the underlying. */
  size: bigint
  /** Wad USD per unit (an option's premium). */
  price: bigint
  /** Do not wait for the receipt (batch seeding); default false. */
  noWait?: boolean | undefined
}

/**
 * Settles a trade through the venue with an IncreaseRisk permit (limit = size) for each side, signed by
 * the relay's signer set the way RiskGuard verifies it.
 */
export async function settleTrade(parameters: SettleTradeParameters): Promise<Hex> {
  const { venue, publicClient, positionBook, riskGuard, signers } = parameters
  const chainId = await publicClient.getChainId()
  const epoch = (await publicClient.readContract({
    address: riskGuard,
    abi: riskGuardAbi,
    functionName: 'currentEpoch',
  })) as bigint
  const block = await publicClient.getBlock()
  const target = numberToHex(parameters.instrumentId, { size: 32 })
  const sign = async (account: Address) => {
    const permit = {
      account,
      chainId: BigInt(chainId),
      action: 1,
      target,
      limit: parameters.size,
      nonce: nonceCounter++,
      epoch,
      expiry: block.timestamp + 3_600n,
    }
    const ordered = [...signers].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))
    const signatures = await Promise.all(
      ordered.map((signer) =>
        signer.signTypedData({
          domain: { name: 'xmargin', version: '1', chainId, verifyingContract: riskGuard },
          types: MARGIN_PERMIT_TYPES,
          primaryType: 'MarginPermit',
          message: permit,
        }),
      ),
    )
    return { permit, signatures: concat(signatures) }
  }
  const trade = {
    tradeId: keccak256(stringToHex(`trade-${nonceCounter++}-${parameters.buyer}-${parameters.seller}`)),
    instrumentId: parameters.instrumentId,
    buyer: parameters.buyer,
    seller: parameters.seller,
    size: parameters.size,
    price: parameters.price,
  }
  // Simulate first: a revert surfaces with its decoded custom error instead of a bare failed receipt.
  const { request } = await publicClient.simulateContract({
    account: venue.account,
    address: positionBook,
    abi: positionBookAbi,
    functionName: 'settleTrade',
    args: [trade, await sign(parameters.buyer), await sign(parameters.seller)],
  })
  // A fixed limit with room: the estimate is taken at the pending block's timestamp, and funding accrual at a
  // later timestamp writes more storage (an estimate-sized limit then runs out of gas).
  const hash = await venue.writeContract({ ...request, gas: 1_500_000n })
  if (!parameters.noWait) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') {
      const transaction = await publicClient.getTransaction({ hash })
      throw new Error(
        `settleTrade ${hash} reverted (gas ${receipt.gasUsed} of ${transaction.gas}, block ${receipt.blockNumber})`,
      )
    }
  }
  return hash
}
