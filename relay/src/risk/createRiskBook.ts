import { anchorsDigest } from '@xmargin/attestation'
import {
  buildRiskArrays,
  type MarginParamsInput,
  type MarginResult,
  type RiskArrays,
  resolveParams,
  type UnitMargin,
  type Xpm1Params,
} from '@xmargin/margin'
import type { Band } from '@xmargin/sdk'
import type { Logger } from 'pino'
import type { Address, Hex } from 'viem'
import type {
  PortfolioAccount,
  PortfolioChange,
  PortfolioMarket,
  PortfolioSource,
} from '../portfolio/types.js'
import { computeAccountMargin } from './computeAccountMargin.js'
import { type BandThresholds, healthBand } from './healthBand.js'
import { instrumentMark } from './instrumentMark.js'
import { relayParamsHash } from './relayParamsHash.js'

/** One account's current margin as this node computed it. */
export type AccountRisk = {
  account: Address
  /** Increments on every recomputation of this account. */
  version: number
  portfolio: PortfolioAccount
  market: PortfolioMarket
  /** The risk arrays of `market` (marks of option series), undefined on the slow path. */
  arrays: RiskArrays | undefined
  result: MarginResult<UnitMargin>
  band: Band
  /** equity / MM; null when MM is 0. */
  health: number | null
  hasPositions: boolean
  anchorsDigest: Hex
  /** Unix ms. */
  computedAtMs: number
  /** performance.now() when the change that led to this computation was observed. */
  observedAtMs: number
}

export type RiskUpdate = { risk: AccountRisk; previous: AccountRisk | undefined }

/** What a node remembers of one past computation of an account (for checking proposals made at it). */
export type RiskSnapshot = {
  anchors: AccountRisk['portfolio']['anchors']
  anchorsDigest: Hex
  equity: number
  initialMargin: number
  maintenanceMargin: number
  /** Marks (USD) of the account's positions by position id. */
  marks: ReadonlyMap<string, number>
}

/** Computations of each account remembered for proposal checks. */
export const HISTORY_LENGTH = 8

/** How long the safe tail of a recomputation waits at most for the work the urgent head started (ms). */
const MAX_TAIL_WAIT_MS = 1_000

export type RiskBook = {
  /** Computes every account, then follows the portfolio's changes. */
  start(): Promise<void>
  stop(): Promise<void>
  get(account: Address): AccountRisk | undefined
  all(): IterableIterator<AccountRisk>
  /** Whether the account has no recomputation pending. */
  isCurrent(account: Address): boolean
  /** The account's last `HISTORY_LENGTH` computations, newest first. */
  history(account: Address): readonly RiskSnapshot[]
  /** Resolves once no work is pending (tests, benchmarks). */
  idle(): Promise<void>
  /**
   * Whether a recomputation of accounts near a band threshold is running or about to (attestation rounds
   * wait for it: they then attest the whole move once, and do not slow the urgent part down).
   */
  busy(): boolean
  /** Calls `listener` each time the urgent part of the work, and then all of it, is done. */
  onIdle(listener: () => void): void
  /** The resolved XPM-1 parameters every account is computed with, and their hash. */
  params: MarginParamsInput | undefined
  paramsHash: Hex
  /** The resolved parameters of an underlying (its scenarios name the binding scenario). */
  resolvedParams(underlying: string): Xpm1Params
}

export type CreateRiskBookParameters = {
  source: PortfolioSource
  /** XPM-1 parameters (in part); default `DEFAULT_PARAMS`. */
  params?: MarginParamsInput | undefined
  bands: BandThresholds
  /** Accounts computed between two yields to the event loop. Default 500. */
  chunkSize?: number | undefined
  /**
   * How long a market change waits for the same move on the other chains before the recomputation
   * starts (ms): one pass instead of one per chain. Account changes never wait. Default 25.
   */
  coalesceMs?: number | undefined
  /** Health below which an account is in the urgent head of a recomputation. Default 4/3 of `bands.healthy`. */
  urgentHealth?: number | undefined
  /** While it returns true, the safe tail of a recomputation waits (e.g. attestation rounds in flight). */
  yieldWhile?: (() => boolean) | undefined
  /** Receives every chunk of recomputed accounts, riskiest first. */
  onUpdates: (updates: readonly RiskUpdate[]) => void
  logger?: Logger | undefined
}

/**
 * Keeps every account's XPM-1 margin current. Risk arrays are built once per market change; then only the
 * accounts a change affects are recomputed, those nearest to liquidation first (ascending health, new
 * accounts before all), in chunks that yield to the event loop so the API stays responsive.
 *
 * Invariant: `get(account)` is the margin of `account` at `get(account).portfolio.anchors`; an account
 * with a pending recomputation is not `isCurrent`.
 *
 * @example
 * const book = createRiskBook({ source, bands: { healthy: 1.5, warning: 1.2 }, onUpdates })
 * await book.start()
 */
export function createRiskBook(parameters: CreateRiskBookParameters): RiskBook {
  const { source, params, bands, logger } = parameters
  const chunkSize = parameters.chunkSize ?? 500
  /** Accounts below this health are recomputed first, before attestation rounds run (default 4/3 of healthy). */
  const urgentHealth = parameters.urgentHealth ?? (bands.healthy * 4) / 3
  const paramsHash = relayParamsHash(params)
  // Accounts recomputed at the same anchors share one digest (keccak of the ABI-encoded anchors).
  const digests = new Map<string, Hex>()
  const digestOf = (anchors: AccountRisk['portfolio']['anchors']): Hex => {
    const key = anchors.map((a) => `${a.chainId}:${a.blockNumber}:${a.blockHash}`).join('|')
    let digest = digests.get(key)
    if (digest === undefined) {
      digest = anchorsDigest(anchors)
      if (digests.size >= 1_024) digests.clear()
      digests.set(key, digest)
    }
    return digest
  }
  const risks = new Map<Address, AccountRisk>()
  const histories = new Map<Address, RiskSnapshot[]>()
  const remember = (risk: AccountRisk) => {
    const marks = new Map<string, number>()
    for (const unit of risk.portfolio.input.units) {
      for (const perp of unit.perps ?? []) if (perp.id !== undefined) marks.set(perp.id, perp.markPrice)
      for (const option of unit.options ?? [])
        if (option.id !== undefined) marks.set(option.id, instrumentMark(risk, option.id) ?? 0)
    }
    const entries = histories.get(risk.account) ?? []
    entries.unshift({
      anchors: risk.portfolio.anchors,
      anchorsDigest: risk.anchorsDigest,
      equity: risk.result.equity,
      initialMargin: risk.result.initialMargin,
      maintenanceMargin: risk.result.maintenanceMargin,
      marks,
    })
    if (entries.length > HISTORY_LENGTH) entries.length = HISTORY_LENGTH
    histories.set(risk.account, entries)
  }
  const dirty = new Set<Address>()
  let dirtyObservedAtMs = Number.POSITIVE_INFINITY
  let marketDirty = true
  let market: PortfolioMarket | undefined
  let arrays: RiskArrays | undefined
  let pump: Promise<void> | undefined
  let unsubscribe: (() => void) | undefined
  let stopped = false
  let processing = new Set<Address>()

  const rebuildMarket = () => {
    market = source.market()
    try {
      arrays = buildRiskArrays({ ...market.state, params })
    } catch (error) {
      // A market the arrays cannot hold (e.g. a series without its expiry) falls back to direct revaluation.
      arrays = undefined
      logger?.warn({ err: error }, 'risk arrays unavailable, computing accounts by direct revaluation')
    }
    marketDirty = false
  }

  const compute = (account: Address, observedAtMs: number): AccountRisk | undefined => {
    const portfolio = source.account(account)
    if (!portfolio || !market) return undefined
    const input = { ...portfolio.input, params }
    let margin: { result: MarginResult<UnitMargin>; fastPath: boolean }
    try {
      margin = computeAccountMargin(arrays, input)
    } catch (error) {
      logger?.error({ err: error, account }, 'cannot compute the margin of an account')
      return undefined
    }
    const previous = risks.get(account)
    const { result } = margin
    return {
      account,
      version: (previous?.version ?? 0) + 1,
      portfolio,
      market,
      arrays: margin.fastPath ? arrays : undefined,
      result,
      band: healthBand(result, bands),
      health: Number.isFinite(result.health) ? result.health : null,
      hasPositions: input.units.some((unit) => (unit.perps?.length ?? 0) + (unit.options?.length ?? 0) > 0),
      anchorsDigest: digestOf(portfolio.anchors),
      computedAtMs: Date.now(),
      observedAtMs,
    }
  }

  const healthOf = (account: Address): number => {
    const risk = risks.get(account)
    if (!risk) return Number.NEGATIVE_INFINITY
    return risk.health ?? Number.POSITIVE_INFINITY
  }

  const run = async () => {
    while (!stopped && (dirty.size > 0 || marketDirty)) {
      if (marketDirty) rebuildMarket()
      const observedAtMs = dirtyObservedAtMs
      dirtyObservedAtMs = Number.POSITIVE_INFINITY
      // Nearest to liquidation first; accounts never computed before everything else.
      const started = performance.now()
      const keyed = [...dirty].map((account) => ({ account, health: healthOf(account) }))
      keyed.sort((a, b) => a.health - b.health)
      const batch = keyed.map((entry) => entry.account)
      dirty.clear()
      processing = new Set(batch)
      // The urgent head: accounts whose band a move can change soon. Once it is done the book stops being
      // `busy`, so attestation rounds run while the safe tail is recomputed.
      let tailDeadline = 0
      let head = keyed.findIndex((entry) => entry.health >= urgentHealth)
      if (head < 0) head = batch.length
      urgent = head > 0
      for (let start = 0; start < batch.length && !stopped; start += chunkSize) {
        if (urgent && start >= head) {
          urgent = false
          tailDeadline = performance.now() + MAX_TAIL_WAIT_MS
          for (const listener of idleListeners) listener()
        }
        // The safe tail gives way to what the urgent part started (attestation rounds), MAX_TAIL_WAIT_MS
        // per pass at most.
        while (!urgent && parameters.yieldWhile?.() && performance.now() < tailDeadline && !stopped)
          await new Promise((resolve) => setTimeout(resolve, 2))
        if (marketDirty) {
          // Prices moved again mid-way: the rest is recomputed with the new arrays.
          for (const account of batch.slice(start)) dirty.add(account)
          dirtyObservedAtMs = Math.min(dirtyObservedAtMs, observedAtMs)
          break
        }
        const updates: RiskUpdate[] = []
        for (const account of batch.slice(start, start + chunkSize)) {
          const risk = compute(account, observedAtMs)
          processing.delete(account)
          if (!risk) continue
          updates.push({ risk, previous: risks.get(account) })
          risks.set(account, risk)
          remember(risk)
        }
        if (updates.length > 0) parameters.onUpdates(updates)
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
      processing = new Set()
      urgent = false
      logger?.debug(
        {
          accounts: batch.length,
          ms: Math.round(performance.now() - started),
          sinceChangeMs: Math.round(started - observedAtMs),
        },
        'accounts recomputed',
      )
    }
  }

  let coalescing: NodeJS.Timeout | undefined
  let urgent = false
  const idleListeners = new Set<() => void>()
  const schedule = (delayMs = 0) => {
    if (pump || stopped) return
    if (delayMs > 0) {
      coalescing ??= setTimeout(() => {
        coalescing = undefined
        schedule()
      }, delayMs)
      return
    }
    clearTimeout(coalescing)
    coalescing = undefined
    pump = run()
      .catch((error: unknown) => logger?.error({ err: error }, 'risk book stopped on an error'))
      .finally(() => {
        pump = undefined
        if (!stopped && (dirty.size > 0 || marketDirty)) schedule()
        else for (const listener of idleListeners) listener()
      })
  }

  const onChange = (change: PortfolioChange) => {
    if (change.marketChanged) marketDirty = true
    for (const account of change.affected) dirty.add(account)
    for (const account of change.accounts) dirty.add(account)
    dirtyObservedAtMs = Math.min(dirtyObservedAtMs, change.observedAtMs)
    schedule(change.marketChanged ? (parameters.coalesceMs ?? 25) : 0)
  }

  return {
    async start() {
      unsubscribe = source.subscribe(onChange)
      marketDirty = true
      for (const account of source.accounts()) dirty.add(account)
      dirtyObservedAtMs = performance.now()
      schedule()
      await this.idle()
    },
    async stop() {
      stopped = true
      clearTimeout(coalescing)
      unsubscribe?.()
      await pump
    },
    get: (account) => risks.get(account),
    all: () => risks.values(),
    isCurrent: (account) => !dirty.has(account) && !processing.has(account) && !marketDirty,
    history: (account) => histories.get(account) ?? [],
    busy: () => coalescing !== undefined || (pump !== undefined && urgent),
    onIdle: (listener) => {
      idleListeners.add(listener)
    },
    async idle() {
      while (pump || coalescing) {
        if (pump) await pump
        else await new Promise((resolve) => setTimeout(resolve, 5))
      }
    },
    params,
    paramsHash,
    resolvedParams: (underlying) => resolveParams(params, underlying),
  }
}
