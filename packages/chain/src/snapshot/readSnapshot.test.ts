import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { getAddress } from 'viem'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createChainClients } from '../clients/createChainClients.js'
import { seedDeposits } from '../testing/seedDeposits.js'
import { settleTrade } from '../testing/settleTrade.js'
import { setupXmarginDevnet, type XmarginDevnet } from '../testing/setupXmarginDevnet.js'
import { symbolToBytes32 } from './bytes32Symbol.js'
import { volKey } from './marketTypes.js'
import { readSnapshot } from './readSnapshot.js'

const WAD = 10n ** 18n
let devnet: XmarginDevnet
const alice = ANVIL_ACCOUNTS[2]!.address
const bob = ANVIL_ACCOUNTS[3]!.address

beforeAll(async () => {
  devnet = await setupXmarginDevnet()
  const [a, b, c] = devnet.chains as [
    (typeof devnet.chains)[0],
    (typeof devnet.chains)[0],
    (typeof devnet.chains)[0],
  ]
  // Chain A: collateral. Chain B: perpetuals. Chain C: options.
  await seedDeposits({
    wallet: a.admin,
    publicClient: a.publicClient,
    multicall3: '0xcA11bde05977b3631167028862bE2a173976CA11',
    vault: a.xmargin.contracts.collateralVault,
    token: a.xmargin.tokens.WETH.address,
    deposits: [{ account: alice, amount: 5n * WAD }],
  })
  for (const chain of [a, b, c])
    await seedDeposits({
      wallet: chain.admin,
      publicClient: chain.publicClient,
      multicall3: '0xcA11bde05977b3631167028862bE2a173976CA11',
      vault: chain.xmargin.contracts.collateralVault,
      token: chain.xmargin.tokens.USDC.address,
      deposits: [
        { account: alice, amount: 10_000n * 10n ** 6n },
        { account: bob, amount: 50_000n * 10n ** 6n },
      ],
    })
  const trade = (chain: typeof a, instrumentId: number, size: bigint, price: bigint) =>
    settleTrade({
      venue: chain.venue,
      publicClient: chain.publicClient,
      positionBook: chain.xmargin.contracts.positionBook,
      riskGuard: chain.xmargin.contracts.riskGuard,
      signers: devnet.signers.slice(0, 2),
      instrumentId,
      buyer: alice,
      seller: bob,
      size,
      price,
    })
  await trade(b, b.xmargin.instruments.ethPerp, 2n * WAD, 3_000n * WAD)
  await trade(c, c.xmargin.instruments.ethCall, 3n * WAD, 150n * WAD)
}, 120_000)

afterAll(async () => {
  await devnet?.cleanup()
})

test('default: every chain read at its pinned block, tagged with its anchor', async () => {
  const clients = createChainClients({ deployment: devnet.deployment })
  try {
    const snapshot = await readSnapshot(clients, { accounts: [alice, bob] })
    const [a, b, c] = devnet.chains.map((chain) => snapshot.chains[chain.chainId]!)
    expect(snapshot.anchors.map((anchor) => anchor.chainId)).toEqual([31337, 31338, 31339])
    for (const [i, chain] of devnet.chains.entries()) {
      const block = await chain.publicClient.getBlock()
      expect(snapshot.anchors[i]).toEqual({
        chainId: chain.chainId,
        blockNumber: block.number,
        blockHash: block.hash,
      })
    }
    const [devA, devB, devC] = devnet.chains as [
      (typeof devnet.chains)[0],
      (typeof devnet.chains)[0],
      (typeof devnet.chains)[0],
    ]
    expect(a!.holdings.get(alice)?.balances.get(getAddress(devA.xmargin.tokens.WETH.address))).toBe(5n * WAD)
    expect(a!.holdings.get(alice)?.positions.size).toBe(0)
    expect(b!.holdings.get(alice)?.positions.get(devB.xmargin.instruments.ethPerp)).toEqual({
      size: 2n * WAD,
      openNotional: 6_000n * WAD,
      fundingIndex: 0n,
    })
    expect(b!.holdings.get(bob)?.positions.get(devB.xmargin.instruments.ethPerp)?.size).toBe(-2n * WAD)
    expect(c!.holdings.get(alice)?.positions.get(devC.xmargin.instruments.ethCall)?.size).toBe(3n * WAD)
    // A trade moves no cash: the premium is the position's openNotional.
    expect(c!.holdings.get(alice)?.balances.get(getAddress(devC.xmargin.tokens.USDC.address))).toBe(
      10_000n * 10n ** 6n,
    )

    const ETH = symbolToBytes32('ETH')
    expect(
      c!.market.instruments.map((instrument) => [
        instrument.instrumentId,
        instrument.kind,
        instrument.symbol,
      ]),
    ).toEqual([
      [1, 'perp', 'ETH'],
      [2, 'perp', 'BTC'],
      [3, 'option', 'ETH'],
      [4, 'option', 'ETH'],
    ])
    expect(c!.market.assets.map((asset) => [asset.symbol, asset.decimals, asset.isSettlement])).toEqual([
      ['USDC', 6, true],
      ['WETH', 18, false],
      ['WBTC', 8, false],
    ])
    expect(c!.market.prices.get(ETH)).toMatchObject({
      price: 3_000n * WAD,
      guardedPrice: 3_000n * WAD,
      symbol: 'ETH',
    })
    expect(c!.market.vols.get(volKey(ETH, devC.xmargin.optionExpiry))).toBe((64n * WAD) / 100n)
    expect(c!.market.rates.get(ETH)).toBe(5n * 10n ** 16n)

    // Requests: per chain one pin, four market batches and one account batch.
    expect(snapshot.requests).toEqual({ pin: 3, market: 12, accounts: 3, total: 18 })
  } finally {
    clients.close()
  }
})
