import { packSignatures, signXmargin, xmarginDomain } from '@xmargin/attestation'
import { seedDeposits, settleTrade } from '@xmargin/chain/testing'
import { mockAggregatorAbi } from '@xmargin/contracts'
import type { JobData } from '@xmargin/queue'
import { type Address, type Hex, keccak256, type LocalAccount, stringToHex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import type { TestChain } from './setupKeeperDevnet.js'

const WAD = 10n ** 18n
export const usd = (value: number) => BigInt(Math.round(value * 1e6)) * 10n ** 12n

/** Fresh trader addresses (nobody needs their keys: deposits are open, trades carry signer permits). */
export function newAccounts(count: number): Address[] {
  return Array.from({ length: count }, () => privateKeyToAccount(generatePrivateKey()).address)
}

/** Deposits `units` of a token for each account, in a few batched transactions. */
export async function deposit(
  chain: TestChain,
  token: 'USDC' | 'WETH',
  deposits: ReadonlyArray<{ account: Address; units: bigint }>,
): Promise<void> {
  await seedDeposits({
    wallet: chain.admin,
    publicClient: chain.publicClient,
    multicall3: chain.contracts.multicall3,
    vault: chain.contracts.collateralVault,
    token: chain.tokens[token].address,
    deposits: deposits.map((d) => ({ account: d.account, amount: d.units })),
  })
}

/**
 * Each account deposits `cashUsd` of USDC and buys `size` ETH-PERP at 3 000 from the counterparty (who gets
 * a large deposit); trades are sent back to back and awaited together.
 */
export async function openLongs(
  chain: TestChain,
  parameters: {
    accounts: readonly Address[]
    counterparty: Address
    signers: readonly LocalAccount[]
    cashUsd?: number
    size?: bigint
  },
): Promise<void> {
  const { accounts, counterparty, signers } = parameters
  const size = parameters.size ?? WAD
  await deposit(chain, 'USDC', [
    ...accounts.map((account) => ({ account, units: BigInt((parameters.cashUsd ?? 1_000) * 1e6) })),
    { account: counterparty, units: BigInt(accounts.length) * 10_000n * 10n ** 6n },
  ])
  const hashes: Hex[] = []
  for (const account of accounts)
    hashes.push(
      await settleTrade({
        venue: chain.venue,
        publicClient: chain.publicClient,
        positionBook: chain.contracts.positionBook,
        riskGuard: chain.contracts.riskGuard,
        signers: signers.slice(0, 2),
        instrumentId: chain.ethPerp,
        buyer: account,
        seller: counterparty,
        size,
        price: 3_000n * WAD,
        noWait: true,
      }),
    )
  for (const hash of hashes) {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new Error(`trade ${hash} reverted`)
  }
}

/** Moves the chain's ETH mock feed (8 decimals) to `priceUsd`. */
export async function setEthPrice(chain: TestChain, priceUsd: number): Promise<void> {
  const hash = await chain.admin.writeContract({
    address: chain.ethFeed,
    abi: mockAggregatorAbi,
    functionName: 'setAnswer',
    args: [BigInt(Math.round(priceUsd * 1e8))],
  })
  await chain.publicClient.waitForTransactionReceipt({ hash })
}

/**
 * A signed AccountHealth for `account` on `chain` (two of the relay's signers, ascending), anchored at the
 * latest block, with the ETH-PERP mark and the plan's `maxClose`. Defaults: equity $500, MM $800, IM $1 000,
 * mark $2 500, maxClose 1 ETH, valid an hour.
 */
export async function signHealth(
  chain: TestChain,
  parameters: {
    account: Address
    sequence: bigint
    signers: readonly LocalAccount[]
    equityUsd?: number
    maintenanceUsd?: number
    markUsd?: number
    maxClose?: bigint
    lifetimeS?: number
    /** Mine a block after signing (default true: on an idle automine chain the anchor stays the head). */
    mine?: boolean
  },
): Promise<{ health: JobData<'liquidate'>['health']; signatures: Hex }> {
  const block = await chain.publicClient.getBlock()
  const maintenance = usd(parameters.maintenanceUsd ?? 800)
  const health: JobData<'liquidate'>['health'] = {
    account: parameters.account,
    sequence: parameters.sequence,
    epoch: 1n,
    equity: usd(parameters.equityUsd ?? 500),
    initialMargin: (maintenance * 5n) / 4n,
    maintenanceMargin: maintenance,
    asOf: block.timestamp,
    expiry: block.timestamp + BigInt(parameters.lifetimeS ?? 3_600),
    anchorBlock: block.number,
    anchorsDigest: keccak256(stringToHex(`anchors-${block.number}`)),
    paramsHash: `0x${'00'.repeat(32)}`,
    marks: [
      {
        instrumentId: chain.ethPerp,
        mark: usd(parameters.markUsd ?? 2_500),
        maxClose: parameters.maxClose ?? WAD,
      },
    ],
  }
  const domain = xmarginDomain({ chainId: chain.chainId, riskGuard: chain.contracts.riskGuard })
  const signed = await Promise.all(
    parameters.signers.slice(0, 2).map(async (signer) => ({
      signer: signer.address,
      signature: await signXmargin(signer, domain, 'AccountHealth', health),
    })),
  )
  // The relay anchors at blocks it has read, so by the time a keeper acts the anchor is a past block.
  if (parameters.mine !== false) await chain.test.mine({ blocks: 1 })
  return { health, signatures: packSignatures(signed, 2) }
}

/** A `liquidate` job exactly as the relay enqueues it (closes from the plan: the whole 1 ETH long). */
export function liquidationJob(
  chain: TestChain,
  signed: { health: JobData<'liquidate'>['health']; signatures: Hex },
  closeSize: bigint = WAD,
): JobData<'liquidate'> {
  return {
    chainId: chain.chainId,
    account: signed.health.account,
    sequence: signed.health.sequence,
    health: signed.health,
    signatures: signed.signatures,
    closes: [{ instrumentId: chain.ethPerp, size: closeSize }],
    reason: signed.health.equity < 0n ? 'badDebt' : 'belowMaintenance',
  }
}
