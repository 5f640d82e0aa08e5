import { createHash, randomUUID } from 'node:crypto'
import {
  type MarginPermit,
  packSignatures,
  type Quorum,
  QuorumRefusedError,
  QuorumTimeoutError,
  type SignerSet,
  type SigningRequest,
  toWire,
  type XmarginDomain,
  xmarginDigest,
} from '@xmargin/attestation'
import type { MarginParamsInput } from '@xmargin/margin'
import type { PermitRecord, PermitRequest, PermitResponse } from '@xmargin/sdk'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { type Address, getAddress, type Hex, type LocalAccount } from 'viem'
import type { RelaySettings } from '../config/relaySettings.js'
import type { RelayKeys } from '../keys.js'
import type { RelayMetrics } from '../metrics/createRelayMetrics.js'
import type { ChainAnchor, PermitUse, PortfolioSource } from '../portfolio/types.js'
import type { RiskBook } from '../risk/createRiskBook.js'
import { evaluatePermit } from './evaluatePermit.js'
import { MARK_USED, OUTSTANDING, RESERVE, SWEEP } from './reservationScripts.js'

/** The answer to a permit request: the signed permit, or a refusal the API turns into 4xx/503. */
export type PermitOutcome =
  | { ok: true; body: PermitResponse }
  | {
      ok: false
      status: 404 | 409 | 422 | 503
      code: string
      message: string
      field?: string | undefined
      details?: Record<string, unknown> | undefined
    }

export type PermitService = {
  /** what-if → reserve (atomically, against free margin minus outstanding reservations) → sign → store. */
  request(body: PermitRequest): Promise<PermitOutcome>
  /** A stored permit with its current status. */
  lookup(account: Address, nonce: bigint): Promise<PermitRecord | undefined>
  /** The cosigner's check of a permit proposal; returns the reason to refuse. */
  check(request: SigningRequest<'MarginPermit'>, context: unknown): Promise<string | undefined>
  /** The chain showed these permits used: their reservations stop counting once the state includes them. */
  onPermitsUsed(uses: readonly PermitUse[]): Promise<void>
  /** Σ of the account's counting reservations (USD) at this node's anchors. */
  outstanding(account: Address): Promise<number>
  start(): void
  stop(): Promise<void>
}

/** A reservation as the RESERVE script stores it. */
type Reservation = {
  nonce: string
  requestId: string
  fingerprint: string
  account: Address
  chainId: number
  action: 0 | 1 | 2 | 3
  target: Hex
  limit: string
  epoch: string
  expiry: string
  request: PermitRequest
  anchors: Record<string, number>
  costUsd: number
  freeMarginUsd: number
  outstandingUsd: number
  releaseAtMs: number
  reservedAtMs: number
  usedBlock?: number
}

type StoredPermit = PermitRecord & { fingerprint: string }

const RECORD_TTL_MS = 24 * 3_600_000

/**
 * Margin permits: the what-if of the request on the account's portfolio, a reservation of the IM headroom
 * it may consume (one Lua script: outstanding + cost ≤ free margin, nonce from the account's counter,
 * idempotent by `requestId`), then the quorum signs the `MarginPermit` and the record is stored.
 *
 * Crash safety: the reservation (and the requestId → nonce link) is written before anything is signed,
 * and the permit's fields are fixed in it, so a retry with the same `requestId` on any node signs the
 * same message again (same digest: signatures already made are reused) and never reserves twice; a
 * reservation nobody finishes lapses at the permit's expiry plus `graceS`.
 *
 * @example const outcome = await permits.request({ account, chainId, action: 'withdraw', asset: 'WETH', amount: '1' })
 */
export function createPermitService(parameters: {
  redis: Redis
  keys: RelayKeys
  quorum: Quorum
  signer: LocalAccount
  nodeId: string
  book: RiskBook
  source: PortfolioSource
  signerSet: () => SignerSet
  domains: ReadonlyMap<number, XmarginDomain>
  params: MarginParamsInput | undefined
  settings: Pick<RelaySettings, 'permits' | 'attestation'>
  metrics: RelayMetrics
  logger: Logger
}): PermitService {
  const { redis, keys, quorum, signer, nodeId, book, source, domains, params, metrics, logger } = parameters
  const { permits: settings, attestation } = parameters.settings
  let sweeper: NodeJS.Timeout | undefined
  let sweeping: Promise<unknown> | undefined
  const reservationsPrefix = keys.reservations('')

  const fingerprintOf = (body: PermitRequest) =>
    createHash('sha256')
      .update(
        JSON.stringify([
          body.account.toLowerCase(),
          body.chainId,
          body.action,
          body.asset?.toLowerCase() ?? null,
          body.instrumentId ?? null,
          body.amount,
        ]),
      )
      .digest('hex')

  const anchorsJson = (anchors: readonly ChainAnchor[]) =>
    JSON.stringify(Object.fromEntries(anchors.map((a) => [String(a.chainId), Number(a.blockNumber)])))

  const permitOf = (r: Reservation): MarginPermit => ({
    account: r.account,
    chainId: BigInt(r.chainId),
    action: r.action,
    target: r.target,
    limit: BigInt(r.limit),
    nonce: BigInt(r.nonce),
    epoch: BigInt(r.epoch),
    expiry: BigInt(r.expiry),
  })

  const reservationView = (r: Reservation) => ({
    costUsd: r.costUsd,
    freeMarginUsd: r.freeMarginUsd,
    outstandingUsd: r.outstandingUsd,
    releaseAtMs: r.releaseAtMs,
  })

  const recordOf = (r: Reservation, domain: XmarginDomain): StoredPermit => {
    const permit = permitOf(r)
    return {
      requestId: r.requestId,
      status: 'reserved',
      permit: toWire(permit) as PermitRecord['permit'],
      signatures: null,
      signers: [],
      digest: xmarginDigest(domain, 'MarginPermit', permit),
      domain,
      reservation: reservationView(r),
      fingerprint: r.fingerprint,
    }
  }

  const withStatus = (record: StoredPermit, reservation: Reservation | undefined): PermitRecord => {
    const { fingerprint: _fingerprint, ...view } = record
    const expired = Number(record.permit.expiry) * 1_000 < Date.now()
    const status =
      record.status === 'used' || reservation?.usedBlock !== undefined
        ? 'used'
        : expired
          ? 'expired'
          : record.status
    return { ...view, status }
  }

  const readReservation = async (account: Address, nonce: string): Promise<Reservation | undefined> => {
    const text = await redis.hget(keys.reservations(account), nonce)
    return text ? (JSON.parse(text) as Reservation) : undefined
  }

  const saveRecord = (record: StoredPermit) =>
    redis.set(
      keys.permit(record.permit.account, record.permit.nonce),
      JSON.stringify(record),
      'PX',
      RECORD_TTL_MS,
    )

  /** Proposes, signs here, collects the quorum, stores the signed record. */
  const sign = async (record: StoredPermit, reservation: Reservation): Promise<PermitOutcome> => {
    const set = parameters.signerSet()
    const message = permitOf(reservation)
    const domain = record.domain as XmarginDomain
    const started = performance.now()
    try {
      const request = await quorum.propose({
        primaryType: 'MarginPermit',
        domain,
        message,
        context: { kind: 'permit', nodeId, requestId: reservation.requestId, account: reservation.account },
        ttlMs: Math.max(1_000, Number(reservation.expiry) * 1_000 - Date.now()),
      })
      await quorum.sign(request, signer)
      const collected = await quorum.collect(request.digest, {
        signerSet: set,
        timeoutMs: attestation.quorumTimeoutMs,
      })
      metrics.quorumSeconds.observe({ type: 'MarginPermit' }, (performance.now() - started) / 1_000)
      const signed: StoredPermit = {
        ...record,
        status: 'signed',
        signatures: packSignatures(collected, set.threshold),
        signers: collected
          .map((c) => c.signer)
          .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
          .slice(0, set.threshold),
      }
      await saveRecord(signed)
      const view = withStatus(signed, reservation)
      return {
        ok: true,
        body: { ...view, signatures: signed.signatures!, status: view.status },
      }
    } catch (error) {
      if (error instanceof QuorumTimeoutError) {
        metrics.permits.inc({
          action: record.permit.action === 0 ? 'withdraw' : 'increaseRisk',
          outcome: 'noQuorum',
        })
        return {
          ok: false,
          status: 503,
          code: 'quorumUnavailable',
          message: `no quorum of relay signers answered; retry with requestId ${reservation.requestId}`,
          details: { requestId: reservation.requestId, nonce: reservation.nonce },
        }
      }
      if (error instanceof QuorumRefusedError) {
        // The other signers see the account differently (usually a block this node has not processed
        // yet): the reservation stays, and a retry with the same requestId proposes again.
        metrics.permits.inc({
          action: record.permit.action === 0 ? 'withdraw' : 'increaseRisk',
          outcome: 'refused',
        })
        return {
          ok: false,
          status: 503,
          code: 'permitRefused',
          message: `the other relay signers refused this permit (${Object.values(error.reasons).join(', ')}); retry with requestId ${reservation.requestId}`,
          details: { requestId: reservation.requestId, nonce: reservation.nonce, reasons: error.reasons },
        }
      }
      throw error
    }
  }

  /** A request whose requestId already has a reservation: return or finish that permit. */
  const resume = async (account: Address, nonce: string, fingerprint: string): Promise<PermitOutcome> => {
    const reservation = await readReservation(account, nonce)
    const stored = await redis.get(keys.permit(account, nonce))
    let record = stored ? (JSON.parse(stored) as StoredPermit) : undefined
    if (!record && reservation) {
      const domain = domains.get(reservation.chainId)
      if (domain) record = recordOf(reservation, domain)
    }
    if (!record)
      return {
        ok: false,
        status: 409,
        code: 'permitLapsed',
        message: 'this requestId was used for a permit that lapsed',
      }
    if (record.fingerprint !== fingerprint)
      return {
        ok: false,
        status: 409,
        code: 'requestIdConflict',
        field: 'body.requestId',
        message: 'this requestId was used for a different request',
      }
    if (record.status === 'signed' && record.signatures) {
      const view = withStatus(record, reservation)
      return { ok: true, body: { ...view, signatures: record.signatures } }
    }
    if (!reservation || Number(record.permit.expiry) * 1_000 <= Date.now())
      return {
        ok: false,
        status: 409,
        code: 'permitLapsed',
        message: 'the reservation of this requestId lapsed',
      }
    return sign(record, reservation)
  }

  return {
    async request(body) {
      const account = getAddress(body.account)
      const fingerprint = fingerprintOf(body)
      const action = body.action
      if (body.requestId) {
        const nonce = await redis.get(keys.request(account, body.requestId))
        if (nonce) {
          metrics.permits.inc({ action, outcome: 'replayed' })
          return resume(account, nonce, fingerprint)
        }
      }
      const risk = book.get(account)
      if (!risk)
        return {
          ok: false,
          status: 404,
          code: 'unknownAccount',
          field: 'body.account',
          message: `no account ${account}`,
        }
      const domain = domains.get(body.chainId)
      if (!domain)
        return {
          ok: false,
          status: 422,
          code: 'unknownChain',
          field: 'body.chainId',
          message: `chain ${body.chainId} is not served`,
        }
      const evaluation = evaluatePermit(risk, body, params)
      if ('code' in evaluation) {
        metrics.permits.inc({ action, outcome: 'refused' })
        return { ok: false, ...evaluation }
      }
      const refusal = (outstandingUsd: number): PermitOutcome => {
        metrics.permits.inc({ action, outcome: 'refused' })
        const available = evaluation.freeMarginUsd - outstandingUsd
        return {
          ok: false,
          status: 422,
          code: 'insufficientMargin',
          message:
            evaluation.imSurplusAfter < 0
              ? `the ${action} would leave imSurplus at ${evaluation.imSurplusAfter.toFixed(2)} USD (< 0)`
              : `the ${action} needs ${evaluation.costUsd.toFixed(2)} USD of free margin; ${available.toFixed(2)} USD is not reserved by outstanding permits`,
          details: {
            freeMarginUsd: evaluation.freeMarginUsd,
            outstandingUsd,
            requiredUsd: evaluation.costUsd,
            imSurplusAfter: evaluation.imSurplusAfter,
          },
        }
      }
      if (evaluation.imSurplusAfter < 0) return refusal(0)

      const nowMs = Date.now()
      const expiry = BigInt(Math.floor(nowMs / 1_000) + settings.ttlS)
      const releaseAtMs = Number(expiry) * 1_000 + settings.graceS * 1_000
      const requestId = body.requestId ?? randomUUID()
      const set = parameters.signerSet()
      const payload = {
        fingerprint,
        account,
        action: evaluation.action,
        target: evaluation.target,
        limit: evaluation.limit.toString(),
        epoch: set.epoch.toString(),
        expiry: expiry.toString(),
        request: { ...body, account, requestId },
        anchors: JSON.parse(anchorsJson(risk.portfolio.anchors)) as Record<string, number>,
      }
      // Costs round up and free margin down to the cent, so the stored figures never understate usage.
      const cost = Math.ceil(evaluation.costUsd * 100) / 100
      const free = Math.floor(evaluation.freeMarginUsd * 100) / 100
      const [outcome, first, second] = (await redis.eval(
        RESERVE,
        4,
        keys.reservations(account),
        keys.expiries,
        keys.nonce(account),
        keys.request(account, requestId),
        String(nowMs),
        requestId,
        String(cost),
        String(free),
        String(body.chainId),
        String(releaseAtMs),
        JSON.stringify(payload),
        account.toLowerCase(),
        anchorsJson(risk.portfolio.anchors),
      )) as [string, string, string | undefined]
      if (outcome === 'refused') return refusal(Number(first))
      if (outcome === 'existing') return resume(account, first, fingerprint)
      const reservation = JSON.parse(second!) as Reservation
      const record = recordOf(reservation, domain)
      await saveRecord(record)
      logger.info(
        { account, chainId: body.chainId, nonce: reservation.nonce, costUsd: cost },
        'permit reserved',
      )
      const result = await sign(record, reservation)
      if (result.ok) metrics.permits.inc({ action, outcome: 'granted' })
      return result
    },

    async lookup(account, nonce) {
      const stored = await redis.get(keys.permit(account, nonce))
      if (!stored) return undefined
      return withStatus(JSON.parse(stored) as StoredPermit, await readReservation(account, nonce.toString()))
    },

    async check(request, context) {
      const ctx = context as { kind?: string; account?: string } | null
      if (ctx?.kind !== 'permit') return 'malformedContext'
      const message = request.message
      const reservation = await readReservation(message.account, message.nonce.toString())
      if (!reservation) return 'noReservation'
      const expected = domains.get(reservation.chainId)
      if (
        !expected ||
        expected.verifyingContract.toLowerCase() !== request.domain.verifyingContract.toLowerCase() ||
        request.domain.chainId !== reservation.chainId
      )
        return 'unknownDomain'
      const same =
        BigInt(reservation.chainId) === message.chainId &&
        reservation.action === message.action &&
        reservation.target.toLowerCase() === message.target.toLowerCase() &&
        BigInt(reservation.limit) === message.limit &&
        BigInt(reservation.expiry) === message.expiry &&
        BigInt(reservation.epoch) === message.epoch
      if (!same) return 'reservationMismatch'
      // Wait for this node's state to reach the reserving node's anchors, then judge on its own figures.
      const deadline = Date.now() + attestation.anchorWaitMs
      const account = getAddress(message.account)
      for (;;) {
        const mine = new Map(source.anchors().map((a) => [String(a.chainId), Number(a.blockNumber)]))
        const reached = Object.entries(reservation.anchors).every(
          ([chainId, block]) => (mine.get(chainId) ?? -1) >= block,
        )
        if (reached && book.isCurrent(account)) break
        if (Date.now() >= deadline) return 'anchorsNotReached'
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      const risk = book.get(account)
      if (!risk) return 'unknownAccount'
      const evaluation = evaluatePermit(risk, reservation.request, params)
      if ('code' in evaluation) return evaluation.code
      const tolerance = Math.max(
        attestation.absToleranceUsd,
        attestation.relTolerance * Math.abs(evaluation.freeMarginUsd),
      )
      if (evaluation.imSurplusAfter < -tolerance) return 'insufficientMargin'
      const outstanding = Number(
        await redis.eval(
          OUTSTANDING,
          1,
          keys.reservations(account),
          String(Date.now()),
          anchorsJson(risk.portfolio.anchors),
        ),
      )
      if (outstanding > evaluation.freeMarginUsd + tolerance) return 'overReserved'
      return undefined
    },

    async onPermitsUsed(uses) {
      for (const use of uses) {
        const nonce = use.nonce.toString()
        const changed = (await redis.eval(
          MARK_USED,
          1,
          keys.reservations(use.account),
          nonce,
          use.blockNumber.toString(),
        )) as number
        if (changed === 1) metrics.reservationsReleased.inc({ reason: 'used' })
        const stored = await redis.get(keys.permit(use.account, nonce))
        if (stored) {
          const record = JSON.parse(stored) as StoredPermit
          if (record.status !== 'used')
            await redis.set(
              keys.permit(use.account, nonce),
              JSON.stringify({ ...record, status: 'used' }),
              'KEEPTTL',
            )
        }
        logger.info(
          { account: use.account, chainId: use.chainId, nonce },
          'permit used on chain: reservation released',
        )
      }
    },

    async outstanding(account) {
      const risk = book.get(account)
      return Number(
        await redis.eval(
          OUTSTANDING,
          1,
          keys.reservations(account),
          String(Date.now()),
          anchorsJson(risk?.portfolio.anchors ?? source.anchors()),
        ),
      )
    },

    start() {
      const sweep = async () => {
        const dropped = (await redis.eval(
          SWEEP,
          1,
          keys.expiries,
          String(Date.now()),
          '500',
          reservationsPrefix,
        )) as string[]
        if (dropped.length > 0) {
          metrics.reservationsReleased.inc({ reason: 'expired' }, dropped.length)
          logger.info({ count: dropped.length }, 'expired permit reservations released')
        }
      }
      const loop = () => {
        sweeping = sweep()
          .catch((error: unknown) => logger.warn({ err: error }, 'permit sweeper failed'))
          .finally(() => {
            if (sweeper) sweeper = setTimeout(loop, settings.sweepMs)
          })
      }
      sweeper = setTimeout(loop, settings.sweepMs)
    },

    async stop() {
      clearTimeout(sweeper)
      sweeper = undefined
      await sweeping
    },
  }
}
