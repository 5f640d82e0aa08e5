import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Options, PacketV1Codec } from '@layerzerolabs/lz-v2-utilities'
import { type ChainConfig, type Deployment, viemChain } from '@xmargin/config'
import {
  collateralVaultAbi,
  deployXmargin,
  encodeLzReceiveOption,
  endpointV2Abi,
  liquidatorAbi,
  messengerAbi,
  mockAggregatorAbi,
  mockERC20Abi,
  PERMIT_ACTION,
  positionBookAbi,
  riskGuardAbi,
  simpleMessageLibAbi,
  xmarginDomain,
  xmarginErrorsAbi,
  xmarginTypes,
} from '@xmargin/contracts'
import { ANVIL_ACCOUNTS, type Devnet, startDevnet } from '@xmargin/devnet'
import {
  type Abi,
  type Address,
  BaseError,
  concat,
  createPublicClient,
  createWalletClient,
  decodeAbiParameters,
  decodeErrorResult,
  type EncodeFunctionDataParameters,
  encodeFunctionData,
  type Hex,
  hashTypedData,
  http,
  keccak256,
  type PublicClient,
  pad,
  parseEventLogs,
  stringToHex,
  type TransactionReceipt,
  toHex,
} from 'viem'
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, expect, test } from 'vitest'

// anvil's public test keys: 0 deploys (and is venue, backstop, admin), 1 relays LayerZero packets and
// keeps, 2 and 3 trade, 7-9 are the relay's 2-of-3 signer set.
const [deployer, relayer, alice, bob] = ANVIL_ACCOUNTS.map((a) => privateKeyToAccount(a.privateKey))
const signerAccounts = ANVIL_ACCOUNTS.slice(7, 10)
  .map((a) => privateKeyToAccount(a.privateKey))
  .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))

let devnet: Devnet
let dir: string
const deploySteps: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xmargin-deploy-'))
  devnet = await startDevnet({
    chains: 3,
    deploymentPath: join(dir, 'deployment.json'),
    setup: ({ deployment, onProgress }) =>
      deployXmargin({
        chains: deployment.chains.map((chain) => ({
          chainId: chain.chainId,
          rpcUrl: chain.rpcUrls[0]!,
          lzEid: chain.lzEid,
          name: chain.name,
          multicall3: chain.contracts.multicall3,
        })),
        deployerKey: ANVIL_ACCOUNTS[0]!.privateKey,
        relayerAddress: relayer!.address,
        signers: { addresses: signerAccounts.map((a) => a.address), threshold: 2 },
        onProgress,
      }),
    onProgress: (line) => deploySteps.push(line),
  })
})

afterAll(async () => {
  await devnet?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

// ------------------------------------------------------------------ helpers

type Chain = { config: ChainConfig; client: PublicClient }

function chain(index: number): Chain {
  const config = devnet.deployment.chains[index]!
  return {
    config,
    client: createPublicClient({
      chain: viemChain(config),
      transport: http(config.rpcUrls[0], { timeout: 30_000 }),
      pollingInterval: 20,
    }),
  }
}

function address(c: Chain, name: string): Address {
  const value = c.config.contracts[name]
  if (!value) throw new Error(`no ${name} on ${c.config.name}`)
  return value
}

type Request = {
  address: Address
  abi: Abi
  functionName: string
  args?: readonly unknown[]
  value?: bigint
  gas?: bigint
}

/** Simulates, then sends a contract call from `account`, and returns the receipt (asserting success). */
async function write(c: Chain, account: LocalAccount, request: Request): Promise<TransactionReceipt> {
  const wallet = createWalletClient({
    account,
    chain: viemChain(c.config),
    transport: http(c.config.rpcUrls[0], { timeout: 30_000 }),
  })
  const data = encodeFunctionData({
    abi: request.abi,
    functionName: request.functionName,
    args: request.args ?? [],
  } as EncodeFunctionDataParameters)
  // a revert shows up here with its decoded custom error, not as a bare failed receipt; `pending`, because
  // an attestation anchored at the latest block is only valid from the next one (anchorBlock < block.number)
  await c.client
    .call({
      blockTag: 'pending',
      account,
      to: request.address,
      data,
      ...(request.value === undefined ? {} : { value: request.value }),
    })
    .catch((error: unknown) => {
      throw new Error(
        `${request.functionName} on ${c.config.name} would revert: ${describeRevert(error, request.abi)}`,
      )
    })
  const hash = await wallet.sendTransaction({
    to: request.address,
    data,
    ...(request.value === undefined ? {} : { value: request.value }),
    ...(request.gas === undefined ? {} : { gas: request.gas }),
  })
  const receipt = await c.client.waitForTransactionReceipt({ hash })
  expect(receipt.status, `${request.functionName} on ${c.config.name}`).toBe('success')
  return receipt
}

/** The custom error (decoded with every xmargin error) of a failed call, or its message. */
function describeRevert(error: unknown, abi: Abi): string {
  const withData =
    error instanceof BaseError
      ? (error.walk((e) => typeof (e as { data?: unknown }).data === 'string') as { data?: Hex } | null)
      : null
  if (!withData?.data) return error instanceof Error ? error.message : String(error)
  try {
    const decoded = decodeErrorResult({ abi: [...xmarginErrorsAbi, ...abi], data: withData.data })
    return `${decoded.errorName}(${(decoded.args ?? []).join(', ')})`
  } catch {
    return withData.data
  }
}

async function signWithQuorum(
  c: Chain,
  primaryType: 'AccountHealth' | 'MarginPermit',
  message: Record<string, unknown>,
) {
  const domain = xmarginDomain({ chainId: c.config.chainId, riskGuard: address(c, 'riskGuard') })
  const signatures = await Promise.all(
    signerAccounts
      .slice(0, 2)
      .map((signer) => signer.signTypedData({ domain, types: xmarginTypes, primaryType, message } as never)),
  )
  return concat(signatures)
}

async function increaseRiskPermit(
  c: Chain,
  account: Address,
  instrumentId: number,
  limit: bigint,
  nonce: bigint,
) {
  const block = await c.client.getBlock()
  const permit = {
    account,
    chainId: BigInt(c.config.chainId),
    action: PERMIT_ACTION.increaseRisk,
    target: pad(toHex(instrumentId), { size: 32 }),
    limit,
    nonce,
    epoch: 1n,
    expiry: block.timestamp + 300n,
  }
  return { permit, signatures: await signWithQuorum(c, 'MarginPermit', permit) }
}

async function depositFor(
  c: Chain,
  token: string,
  account: ReturnType<typeof privateKeyToAccount>,
  amount: bigint,
) {
  const asset = c.config.tokens[token]!.address
  await write(c, account, {
    address: asset,
    abi: mockERC20Abi,
    functionName: 'mint',
    args: [account.address, amount],
  })
  await write(c, account, {
    address: asset,
    abi: mockERC20Abi,
    functionName: 'approve',
    args: [address(c, 'collateralVault'), amount],
  })
  await write(c, account, {
    address: address(c, 'collateralVault'),
    abi: collateralVaultAbi,
    functionName: 'deposit',
    args: [asset, amount, account.address],
  })
}

/** The single PacketSent of a receipt, decoded by LayerZero's own codec. */
function packetSent(receipt: TransactionReceipt, endpoint: Address) {
  const [log] = parseEventLogs({ abi: endpointV2Abi, logs: receipt.logs, eventName: 'PacketSent' }).filter(
    (entry) => entry.address.toLowerCase() === endpoint.toLowerCase(),
  )
  if (!log) throw new Error('no PacketSent in the receipt')
  return {
    encoded: log.args.encodedPayload,
    options: log.args.options,
    packet: PacketV1Codec.from(log.args.encodedPayload),
  }
}

/** Plays DVN and executor for one packet: validatePacket on the destination library, then lzReceive. */
async function deliver(destination: Chain, sent: ReturnType<typeof packetSent>): Promise<TransactionReceipt> {
  await write(destination, relayer!, {
    address: address(destination, 'lzMessageLib'),
    abi: simpleMessageLibAbi,
    functionName: 'validatePacket',
    args: [sent.encoded],
  })
  const lzReceiveOption = Options.fromOptions(sent.options).decodeExecutorLzReceiveOption()
  if (!lzReceiveOption) throw new Error('no LZ_RECEIVE option in the packet')
  const packet = sent.packet
  return write(destination, relayer!, {
    address: address(destination, 'lzEndpoint'),
    abi: endpointV2Abi,
    functionName: 'lzReceive',
    args: [
      { srcEid: packet.srcEid(), sender: packet.sender() as Hex, nonce: BigInt(packet.nonce()) },
      packet.receiverAddressB20() as Address,
      packet.guid() as Hex,
      packet.message() as Hex,
      '0x',
    ],
    value: lzReceiveOption.value,
    // the OApp gets the executor's gas; the endpoint's own bookkeeping comes on top
    gas: lzReceiveOption.gas + 150_000n,
  })
}

// ------------------------------------------------------------------ tests

test('default: deploys and wires xmargin on three chains through startDevnet', async () => {
  const deployment: Deployment = devnet.deployment
  expect(
    deployment.chains.map((c) => [c.chainId, c.lzEid, Object.keys(c.contracts).sort()]),
  ).toMatchInlineSnapshot(`
    [
      [
        31337,
        40101,
        [
          "collateralVault",
          "liquidator",
          "lzEndpoint",
          "lzMessageLib",
          "messenger",
          "multicall3",
          "oracleRouter",
          "positionBook",
          "riskGuard",
        ],
      ],
      [
        31338,
        40102,
        [
          "collateralVault",
          "liquidator",
          "lzEndpoint",
          "lzMessageLib",
          "messenger",
          "multicall3",
          "oracleRouter",
          "positionBook",
          "riskGuard",
        ],
      ],
      [
        31339,
        40103,
        [
          "collateralVault",
          "liquidator",
          "lzEndpoint",
          "lzMessageLib",
          "messenger",
          "multicall3",
          "oracleRouter",
          "positionBook",
          "riskGuard",
        ],
      ],
    ]
  `)
  const a = deployment.chains[0]!
  expect(Object.entries(a.tokens).map(([symbol, token]) => [symbol, token.decimals])).toEqual([
    ['USDC', 6],
    ['WETH', 18],
    ['WBTC', 8],
  ])
  expect(a.settlementToken).toBe('USDC')
  expect(a.instruments?.map((i) => [i.id, i.kind, i.underlying, i.isCall])).toEqual([
    [1, 'perp', 'ETH', false],
    [2, 'perp', 'BTC', false],
    [3, 'option', 'ETH', true],
    [4, 'option', 'ETH', false],
  ])
  expect(a.signers).toEqual({ epoch: 1, threshold: 2, addresses: signerAccounts.map((s) => s.address) })
  expect(deploySteps.some((line) => /xmargin deployed on 3 chains in \d+ ms/.test(line))).toBe(true)

  // wiring, read back from every chain
  for (let i = 0; i < 3; i++) {
    const c = chain(i)
    const [signers, threshold] = await c.client.readContract({
      address: address(c, 'riskGuard'),
      abi: riskGuardAbi,
      functionName: 'signerSet',
      args: [1n],
    })
    expect([signers, threshold]).toEqual([signerAccounts.map((s) => s.address), 2])
    expect(
      await c.client
        .readContract({
          address: address(c, 'oracleRouter'),
          abi: positionBookAbi,
          functionName: 'instrumentCount',
        })
        .catch(() => 'n/a'),
    ).toBe('n/a') // sanity: the router is not the book
    expect(
      await c.client.readContract({
        address: address(c, 'positionBook'),
        abi: positionBookAbi,
        functionName: 'instrumentCount',
      }),
    ).toBe(4)
    for (let j = 0; j < 3; j++) {
      if (i === j) continue
      const remote = chain(j)
      expect(
        await c.client.readContract({
          address: address(c, 'messenger'),
          abi: messengerAbi,
          functionName: 'peers',
          args: [remote.config.lzEid],
        }),
      ).toBe(pad(address(remote, 'messenger').toLowerCase() as Hex, { size: 32 }))
      expect(
        await c.client.readContract({
          address: address(c, 'messenger'),
          abi: messengerAbi,
          functionName: 'enforcedOptions',
          args: [remote.config.lzEid, 1],
        }),
      ).toBe(Options.newOptions().addExecutorLzReceiveOption(600_000, 0).toHex())
    }
    expect(
      await c.client.readContract({
        address: address(c, 'lzMessageLib'),
        abi: simpleMessageLibAbi,
        functionName: 'whitelistCaller',
      }),
    ).toBe(relayer!.address)
  }
  expect(encodeLzReceiveOption(300_000n)).toBe(
    Options.newOptions().addExecutorLzReceiveOption(300_000, 0).toHex(),
  )
})

test('behavior: the TypeScript EIP-712 types hash like the RiskGuard', async () => {
  const a = chain(0)
  const guard = { address: address(a, 'riskGuard'), abi: riskGuardAbi } as const
  const typeString = (name: 'MarginPermit' | 'SignerSetUpdate') =>
    `${name}(${xmarginTypes[name].map((field) => `${field.type} ${field.name}`).join(',')})`
  expect(await a.client.readContract({ ...guard, functionName: 'MARGIN_PERMIT_TYPEHASH' })).toBe(
    keccak256(stringToHex(typeString('MarginPermit'))),
  )
  expect(await a.client.readContract({ ...guard, functionName: 'SIGNER_SET_UPDATE_TYPEHASH' })).toBe(
    keccak256(stringToHex(typeString('SignerSetUpdate'))),
  )
  const health = {
    account: alice!.address,
    sequence: 7n,
    epoch: 1n,
    equity: -5n * 10n ** 18n,
    initialMargin: 2n * 10n ** 18n,
    maintenanceMargin: 10n ** 18n,
    asOf: 1_700_000_000n,
    expiry: 1_700_000_060n,
    anchorBlock: 12n,
    anchorsDigest: keccak256(stringToHex('anchors')),
    paramsHash: keccak256(stringToHex('xpm-1')),
    marks: [{ instrumentId: 1, mark: 3000n * 10n ** 18n, maxClose: 10n ** 18n }],
  }
  const digest = hashTypedData({
    domain: xmarginDomain({ chainId: a.config.chainId, riskGuard: guard.address }),
    types: xmarginTypes,
    primaryType: 'AccountHealth',
    message: health,
  })
  expect(await a.client.readContract({ ...guard, functionName: 'hashAccountHealth', args: [health] })).toBe(
    digest,
  )
})

test('behavior: a liquidation on chain A seizes on chain B over LayerZero and the result comes back', async () => {
  const a = chain(0)
  const b = chain(1)
  const usd = 10n ** 18n

  // alice: 1000 USDC and long 10 ETH-PERP at 3000 on A (bob is short), 2 WETH on B
  await depositFor(a, 'USDC', alice!, 1000n * 10n ** 6n)
  await depositFor(a, 'USDC', bob!, 100_000n * 10n ** 6n)
  await depositFor(b, 'WETH', alice!, 2n * 10n ** 18n)
  const buyerPermit = await increaseRiskPermit(a, alice!.address, 1, 10n * usd, 1n)
  const sellerPermit = await increaseRiskPermit(a, bob!.address, 1, 10n * usd, 1n)
  await write(a, deployer!, {
    address: address(a, 'positionBook'),
    abi: positionBookAbi,
    functionName: 'settleTrade',
    args: [
      {
        tradeId: keccak256(stringToHex('trade-1')),
        instrumentId: 1,
        buyer: alice!.address,
        seller: bob!.address,
        size: 10n * usd,
        price: 3000n * usd,
      },
      buyerPermit,
      sellerPermit,
    ],
  })

  // ETH falls to 2000 on both chains
  for (const c of [a, b]) {
    await write(c, deployer!, {
      address: c.config.feeds!.ETH!,
      abi: mockAggregatorAbi,
      functionName: 'setAnswer',
      args: [2000n * 10n ** 8n],
    })
  }

  // the relay's attestation: equity 1000 - 10 000 + 4000 = -5000, close all 10 at 2000
  const latest = await a.client.getBlock()
  const health = {
    account: alice!.address,
    sequence: 1n,
    epoch: 1n,
    equity: -5000n * usd,
    initialMargin: 4000n * usd,
    maintenanceMargin: 3000n * usd,
    asOf: latest.timestamp,
    expiry: latest.timestamp + 120n,
    anchorBlock: latest.number,
    anchorsDigest: keccak256(stringToHex('anchors')),
    paramsHash: pad('0x0', { size: 32 }),
    marks: [{ instrumentId: 1, mark: 2000n * usd, maxClose: 10n * usd }],
  }
  const signatures = await signWithQuorum(a, 'AccountHealth', health)
  const order = {
    closes: [{ instrumentId: 1, size: -10n * usd }],
    routes: [{ dstEid: b.config.lzEid, maxUsd: 9200n * usd }],
  }
  const liquidator = { address: address(a, 'liquidator'), abi: liquidatorAbi } as const
  const fee = await a.client.readContract({
    ...liquidator,
    functionName: 'quoteRoutes',
    args: [alice!.address, order.routes],
  })
  expect(fee).toBe(100n) // SimpleMessageLib's fixed native fee
  const liquidation = await write(a, relayer!, {
    ...liquidator,
    functionName: 'liquidate',
    args: [alice!.address, health, signatures, order],
    value: fee,
  })
  const [liquidated] = parseEventLogs({ abi: liquidatorAbi, logs: liquidation.logs, eventName: 'Liquidated' })
  const liquidationId = liquidated!.args.liquidationId

  // the seize request, as LayerZero's codec reads it
  const request = packetSent(liquidation, address(a, 'lzEndpoint'))
  expect(request.packet.srcEid()).toBe(a.config.lzEid)
  expect(request.packet.dstEid()).toBe(b.config.lzEid)
  expect(request.packet.receiverAddressB20().toLowerCase()).toBe(address(b, 'messenger').toLowerCase())
  expect(Options.fromOptions(request.options).decodeExecutorLzReceiveOption()).toEqual({
    gas: 600_000n,
    value: 0n,
  })
  const [kind, id, account, maxUsd] = decodeAbiParameters(
    [{ type: 'uint8' }, { type: 'bytes32' }, { type: 'address' }, { type: 'uint256' }],
    request.packet.message() as Hex,
  )
  expect([kind, id, account, maxUsd]).toEqual([1, liquidationId, alice!.address, 9200n * usd])

  // B: the relayer verifies and executes; 2 WETH (4000 USD) go to B's backstop and a reply is sent
  const weth = b.config.tokens.WETH!.address
  const backstop = b.config.roles!.backstop
  const backstopBefore = await b.client.readContract({
    address: address(b, 'collateralVault'),
    abi: collateralVaultAbi,
    functionName: 'balanceOf',
    args: [backstop, weth],
  })
  const execution = await deliver(b, request)
  const [executed] = parseEventLogs({ abi: messengerAbi, logs: execution.logs, eventName: 'SeizeExecuted' })
  expect(executed!.args).toMatchObject({ liquidationId, srcEid: a.config.lzEid, seizedUsd: 4000n * usd })
  const vaultB = { address: address(b, 'collateralVault'), abi: collateralVaultAbi } as const
  expect(
    await b.client.readContract({ ...vaultB, functionName: 'balanceOf', args: [alice!.address, weth] }),
  ).toBe(0n)
  expect(await b.client.readContract({ ...vaultB, functionName: 'balanceOf', args: [backstop, weth] })).toBe(
    backstopBefore + 2n * 10n ** 18n,
  )

  // back on A: 4000 credited, the remaining 5200 recorded as bad debt and absorbed by the backstop
  const reply = packetSent(execution, address(b, 'lzEndpoint'))
  const completion = await deliver(a, reply)
  const events = parseEventLogs({ abi: liquidatorAbi, logs: completion.logs })
  expect(events.map((e) => e.eventName)).toEqual([
    'SeizeCompleted',
    'BadDebtRecorded',
    'LiquidationFinalised',
  ])
  expect(
    await a.client.readContract({
      address: address(a, 'collateralVault'),
      abi: collateralVaultAbi,
      functionName: 'cashOf',
      args: [alice!.address],
    }),
  ).toBe(0n)
  const record = await a.client.readContract({
    ...liquidator,
    functionName: 'liquidation',
    args: [liquidationId],
  })
  expect(record.finalised).toBe(true)
  expect(record.remoteSeizedUsd).toBe(4000n * usd)

  // the endpoint gives exactly-once execution: a second lzReceive of the same packet reverts
  await expect(deliver(a, reply)).rejects.toThrow()
})
