import {
  type Abi,
  type Address,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  keccak256,
  parseUnits,
  size,
  stringToHex,
} from 'viem'
import {
  collateralVaultAbi,
  collateralVaultBytecode,
  endpointV2Abi,
  endpointV2Bytecode,
  liquidatorAbi,
  liquidatorBytecode,
  messengerAbi,
  messengerBytecode,
  mockAggregatorAbi,
  mockAggregatorBytecode,
  mockERC20Abi,
  mockERC20Bytecode,
  oracleRouterAbi,
  oracleRouterBytecode,
  positionBookAbi,
  positionBookBytecode,
  riskGuardAbi,
  riskGuardBytecode,
  simpleMessageLibAbi,
  simpleMessageLibBytecode,
} from '../generated/index.js'
import type { InstrumentSpec, LiquidationParamsSpec, TokenSpec, UnderlyingSpec } from './defaults.js'
import { encodeLzReceiveOption } from './encodeLzReceiveOption.js'
import { DeployError } from './errors.js'

export type PlannedTransaction = {
  /** What it does, for progress lines and errors. */
  label: string
  /** Undefined for a contract creation. */
  to?: Address | undefined
  data: Hex
  value: bigint
  gas: bigint
}

export type PlannedInstrument = {
  id: number
  kind: 'perp' | 'option'
  underlying: string
  expiry: number
  strike: string
  isCall: boolean
  symbol: string
}

export type PlanChainDeploymentParameters = {
  chainId: number
  lzEid: number
  /** Deployer, also admin of every contract, owner of the endpoint and the Messenger. */
  deployer: Address
  /** The deployer's next nonce on this chain. */
  firstNonce: number
  /** The chain's latest block timestamp (option expiries are relative to it). */
  now: number
  venue: Address
  backstop: Address
  funding: Address
  lzRelayer: Address
  /** Strictly ascending. */
  signers: readonly Address[]
  threshold: number
  tokens: readonly TokenSpec[]
  underlyings: readonly UnderlyingSpec[]
  instruments: readonly InstrumentSpec[]
  liquidation: LiquidationParamsSpec
  maxAttestationAgeS: number
  tradePriceBand: number
  /** The other chains' LayerZero eids and Messenger addresses. */
  remotes: ReadonlyArray<{ eid: number; messenger: Address }>
  seizeRequestGas: bigint
  seizeResultGas: bigint
  messengerFundingWei: bigint
}

export type ChainDeploymentPlan = {
  transactions: PlannedTransaction[]
  contracts: {
    riskGuard: Address
    oracleRouter: Address
    collateralVault: Address
    positionBook: Address
    lzEndpoint: Address
    lzMessageLib: Address
    messenger: Address
    liquidator: Address
  }
  tokens: Record<string, { address: Address; decimals: number }>
  settlementToken: string
  /** Spot feeds by key (`ETH`) and vol feeds by `<key>:vol:<expiry>`. */
  feeds: Record<string, Address>
  instruments: PlannedInstrument[]
}

/** Seize-message kinds of the Messenger (`SEIZE_REQUEST`, `SEIZE_RESULT`). */
const SEIZE_REQUEST = 1
const SEIZE_RESULT = 2
const CALL_GAS = 500_000n

/** 18-decimal fixed point of a decimal number, from its shortest decimal form (`0.64` → 0.64e18 exactly). */
export function toWad(value: number): bigint {
  if (!Number.isFinite(value)) throw new RangeError(`toWad: ${value} is not a finite number`)
  const text = value.toString()
  if (!/e/i.test(text)) return parseUnits(text, 18)
  // exponent form (1e-7, 1e+21): written out in full, at most 18 decimals
  return parseUnits(value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 18 }), 18)
}

/** A string key as the contracts' `bytes32` (`"ETH"` → 0x455448…00). */
export function toKey(key: string): Hex {
  return stringToHex(key, { size: 32 })
}

export function roleId(name: string): Hex {
  return keccak256(stringToHex(name))
}

/** How many contracts are created before the Messenger (the cross-chain peers need its address early). */
function messengerIndex(tokenCount: number, underlyingCount: number): number {
  return tokenCount + underlyingCount + 6 // tokens, spot feeds, guard, oracle, vault, book, endpoint, lib
}

/**
 * Where a chain's Messenger will be, from the deployer's first nonce: every chain's peers are known
 * before anything is sent, so all chains deploy at once.
 */
export function predictMessengerAddress(parameters: {
  deployer: Address
  firstNonce: number
  tokenCount: number
  underlyingCount: number
}): Address {
  const nonce = parameters.firstNonce + messengerIndex(parameters.tokenCount, parameters.underlyingCount)
  return getContractAddress({ from: parameters.deployer, nonce: BigInt(nonce) })
}

/**
 * Every transaction that deploys and wires xmargin on one chain, in nonce order, with the addresses
 * they create. Pure: nothing is sent.
 */
export function planChainDeployment(parameters: PlanChainDeploymentParameters): ChainDeploymentPlan {
  const p = parameters
  const transactions: PlannedTransaction[] = []
  let nonce = p.firstNonce
  const create = (label: string, abi: Abi, bytecode: Hex, args: readonly unknown[]): Address => {
    const data = encodeDeployData({ abi, bytecode, args } as Parameters<typeof encodeDeployData>[0])
    transactions.push({
      label: `deploy ${label}`,
      data,
      value: 0n,
      gas: 500_000n + 300n * BigInt(size(data)),
    })
    return getContractAddress({ from: p.deployer, nonce: BigInt(nonce++) })
  }
  const call = (
    label: string,
    to: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[],
    gas = CALL_GAS,
  ) => {
    const data = encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0])
    transactions.push({ label, to, data, value: 0n, gas })
    nonce++
  }

  const settlement = p.tokens.filter((token) => token.priceKey === undefined)
  if (settlement.length !== 1) {
    throw new DeployError('deployXmargin: exactly one token must have no priceKey (the settlement asset)', {
      details: `tokens without priceKey: ${settlement.map((token) => token.symbol).join(', ') || 'none'}`,
    })
  }
  const underlyingKeys = new Set(p.underlyings.map((underlying) => underlying.key))
  for (const token of p.tokens) {
    if (token.priceKey !== undefined && !underlyingKeys.has(token.priceKey))
      throw new DeployError(
        `deployXmargin: token ${token.symbol} is priced by ${token.priceKey}, which has no feed`,
      )
  }

  // 1. contracts (fixed order: the Messenger's index is predicted by predictMessengerAddress)
  const tokens: ChainDeploymentPlan['tokens'] = {}
  for (const token of p.tokens) {
    tokens[token.symbol] = {
      address: create(token.symbol, mockERC20Abi, mockERC20Bytecode, [
        token.name,
        token.symbol,
        token.decimals,
      ]),
      decimals: token.decimals,
    }
  }
  const feeds: Record<string, Address> = {}
  for (const u of p.underlyings) {
    const answer = parseUnits(u.priceUsd.toString(), u.decimals)
    feeds[u.key] = create(`${u.key} / USD feed`, mockAggregatorAbi, mockAggregatorBytecode, [
      p.deployer,
      u.decimals,
      answer,
      `${u.key} / USD`,
    ])
  }
  const riskGuard = create('RiskGuard', riskGuardAbi, riskGuardBytecode, [
    p.deployer,
    p.signers,
    p.threshold,
    BigInt(p.maxAttestationAgeS),
  ])
  const oracleRouter = create('OracleRouter', oracleRouterAbi, oracleRouterBytecode, [p.deployer])
  const settlementToken = settlement[0]!
  const collateralVault = create('CollateralVault', collateralVaultAbi, collateralVaultBytecode, [
    p.deployer,
    tokens[settlementToken.symbol]!.address,
    settlementToken.minDeposit,
    oracleRouter,
    riskGuard,
    p.backstop,
  ])
  const positionBook = create('PositionBook', positionBookAbi, positionBookBytecode, [
    p.deployer,
    collateralVault,
    oracleRouter,
    riskGuard,
    toWad(p.tradePriceBand),
  ])
  const lzEndpoint = create('EndpointV2', endpointV2Abi, endpointV2Bytecode, [p.lzEid, p.deployer])
  const lzMessageLib = create('SimpleMessageLib', simpleMessageLibAbi, simpleMessageLibBytecode, [
    lzEndpoint,
    p.deployer,
  ])
  const messenger = create('Messenger', messengerAbi, messengerBytecode, [
    lzEndpoint,
    p.deployer,
    collateralVault,
  ])
  const predicted = predictMessengerAddress({
    deployer: p.deployer,
    firstNonce: p.firstNonce,
    tokenCount: p.tokens.length,
    underlyingCount: p.underlyings.length,
  })
  if (messenger !== predicted)
    throw new DeployError('deployXmargin: Messenger address prediction is out of step')
  const l = p.liquidation
  const liquidator = create('Liquidator', liquidatorAbi, liquidatorBytecode, [
    p.deployer,
    riskGuard,
    collateralVault,
    positionBook,
    oracleRouter,
    messenger,
    {
      startDiscount: toWad(l.startDiscount),
      maxDiscount: toWad(l.maxDiscount),
      auctionDurationS: BigInt(l.auctionDurationS),
      rewardShare: toWad(l.rewardShare),
      minRewardUsd: toWad(l.minRewardUsd),
      maxRewardUsd: toWad(l.maxRewardUsd),
      gasOverhead: BigInt(l.gasOverhead),
      perpMarkBand: toWad(l.perpMarkBand),
      optionTolerance: toWad(l.optionTolerance),
      bufferRatio: toWad(l.bufferRatio),
      nativeKey: toKey(l.nativeKey),
    },
  ])

  // 2. option expiries and their vol feeds
  const instruments: PlannedInstrument[] = p.instruments.map((spec, i) => {
    if (!underlyingKeys.has(spec.underlying))
      throw new DeployError(
        `deployXmargin: instrument ${i} has underlying ${spec.underlying}, which has no feed`,
      )
    if (spec.kind === 'perp')
      return {
        id: i + 1,
        kind: 'perp',
        underlying: spec.underlying,
        expiry: 0,
        strike: '0',
        isCall: false,
        symbol: `${spec.underlying}-PERP`,
      }
    const expiry = spec.expiry ?? defaultExpiry(p.now, spec.expiresInDays ?? 30)
    if (expiry <= p.now)
      throw new DeployError(`deployXmargin: instrument ${i} expires before the chain's clock`)
    const date = new Date(expiry * 1000).toISOString().slice(0, 10).replaceAll('-', '')
    return {
      id: i + 1,
      kind: 'option',
      underlying: spec.underlying,
      expiry,
      strike: toWad(spec.strikeUsd).toString(),
      isCall: spec.isCall,
      symbol: `${spec.underlying}-${date}-${spec.strikeUsd}-${spec.isCall ? 'C' : 'P'}`,
    }
  })
  const volFeeds: Array<{ key: string; expiry: number; address: Address; heartbeatS: number }> = []
  for (const instrument of instruments) {
    if (instrument.kind !== 'option') continue
    const feedKey = `${instrument.underlying}:vol:${instrument.expiry}`
    if (feeds[feedKey]) continue
    const u = p.underlyings.find((candidate) => candidate.key === instrument.underlying)!
    const address = create(`${feedKey} feed`, mockAggregatorAbi, mockAggregatorBytecode, [
      p.deployer,
      18,
      toWad(u.vol),
      `${instrument.underlying} vol ${instrument.expiry}`,
    ])
    feeds[feedKey] = address
    volFeeds.push({
      key: instrument.underlying,
      expiry: instrument.expiry,
      address,
      heartbeatS: u.heartbeatS,
    })
  }

  // 3. feeds, assets, roles
  for (const u of p.underlyings) {
    call(`OracleRouter.setFeed(${u.key})`, oracleRouter, oracleRouterAbi, 'setFeed', [
      toKey(u.key),
      feeds[u.key]!,
      BigInt(u.heartbeatS),
      toWad(u.maxDeviation),
    ])
    if (u.rate !== 0)
      call(`OracleRouter.setRate(${u.key})`, oracleRouter, oracleRouterAbi, 'setRate', [
        toKey(u.key),
        toWad(u.rate),
      ])
  }
  for (const volFeed of volFeeds) {
    call(
      `OracleRouter.setVolFeed(${volFeed.key}, ${volFeed.expiry})`,
      oracleRouter,
      oracleRouterAbi,
      'setVolFeed',
      [toKey(volFeed.key), BigInt(volFeed.expiry), volFeed.address, BigInt(volFeed.heartbeatS)],
    )
  }
  for (const token of p.tokens) {
    if (token.priceKey === undefined) continue
    call(`CollateralVault.listAsset(${token.symbol})`, collateralVault, collateralVaultAbi, 'listAsset', [
      tokens[token.symbol]!.address,
      toKey(token.priceKey),
      token.minDeposit,
    ])
  }
  const grant = (contract: string, address: Address, abi: Abi, role: string, account: Address) =>
    call(`${contract}.grantRole(${role})`, address, abi, 'grantRole', [roleId(role), account])
  grant('RiskGuard', riskGuard, riskGuardAbi, 'CONSUMER_ROLE', collateralVault)
  grant('RiskGuard', riskGuard, riskGuardAbi, 'CONSUMER_ROLE', positionBook)
  grant('RiskGuard', riskGuard, riskGuardAbi, 'LIQUIDATOR_ROLE', liquidator)
  grant('CollateralVault', collateralVault, collateralVaultAbi, 'SEIZER_ROLE', liquidator)
  grant('CollateralVault', collateralVault, collateralVaultAbi, 'SEIZER_ROLE', messenger)
  grant('CollateralVault', collateralVault, collateralVaultAbi, 'SETTLER_ROLE', positionBook)
  grant('CollateralVault', collateralVault, collateralVaultAbi, 'SETTLER_ROLE', liquidator)
  grant('PositionBook', positionBook, positionBookAbi, 'VENUE_ROLE', p.venue)
  grant('PositionBook', positionBook, positionBookAbi, 'FUNDING_ROLE', p.funding)
  grant('PositionBook', positionBook, positionBookAbi, 'LIQUIDATOR_ROLE', liquidator)
  grant('PositionBook', positionBook, positionBookAbi, 'RISK_EXEMPT_ROLE', p.backstop)
  call('Messenger.setLiquidator', messenger, messengerAbi, 'setLiquidator', [liquidator])

  // 4. LayerZero: the library is the default both ways for every remote eid; the relayer may verify
  call('EndpointV2.registerLibrary', lzEndpoint, endpointV2Abi, 'registerLibrary', [lzMessageLib])
  for (const remote of p.remotes) {
    call(
      `EndpointV2.setDefaultSendLibrary(${remote.eid})`,
      lzEndpoint,
      endpointV2Abi,
      'setDefaultSendLibrary',
      [remote.eid, lzMessageLib],
    )
    call(
      `EndpointV2.setDefaultReceiveLibrary(${remote.eid})`,
      lzEndpoint,
      endpointV2Abi,
      'setDefaultReceiveLibrary',
      [remote.eid, lzMessageLib, 0n],
    )
    call(`Messenger.setPeer(${remote.eid})`, messenger, messengerAbi, 'setPeer', [
      remote.eid,
      `0x${remote.messenger.slice(2).toLowerCase().padStart(64, '0')}`,
    ])
  }
  call('SimpleMessageLib.setWhitelistCaller', lzMessageLib, simpleMessageLibAbi, 'setWhitelistCaller', [
    p.lzRelayer,
  ])
  if (p.remotes.length > 0) {
    const enforced = p.remotes.flatMap((remote) => [
      { eid: remote.eid, msgType: SEIZE_REQUEST, options: encodeLzReceiveOption(p.seizeRequestGas) },
      { eid: remote.eid, msgType: SEIZE_RESULT, options: encodeLzReceiveOption(p.seizeResultGas) },
    ])
    call(
      'Messenger.setEnforcedOptions',
      messenger,
      messengerAbi,
      'setEnforcedOptions',
      [enforced],
      200_000n + 60_000n * BigInt(enforced.length),
    )
  }
  if (p.messengerFundingWei > 0n) {
    transactions.push({
      label: 'fund Messenger',
      to: messenger,
      data: '0x',
      value: p.messengerFundingWei,
      gas: 100_000n,
    })
    nonce++
  }

  // 5. instruments, in id order
  for (const instrument of instruments) {
    call(
      `PositionBook.listInstrument(${instrument.symbol})`,
      positionBook,
      positionBookAbi,
      'listInstrument',
      [
        {
          kind: instrument.kind === 'perp' ? 0 : 1,
          underlying: toKey(instrument.underlying),
          expiry: BigInt(instrument.expiry),
          strike: BigInt(instrument.strike),
          isCall: instrument.isCall,
        },
      ],
    )
  }

  return {
    transactions,
    contracts: {
      riskGuard,
      oracleRouter,
      collateralVault,
      positionBook,
      lzEndpoint,
      lzMessageLib,
      messenger,
      liquidator,
    },
    tokens,
    settlementToken: settlementToken.symbol,
    feeds,
    instruments,
  }
}

/** `days` after `now`, at 08:00 UTC (the usual crypto option expiry time). */
function defaultExpiry(now: number, days: number): number {
  const DAY = 86_400
  return Math.floor(now / DAY) * DAY + days * DAY + 8 * 3600
}
