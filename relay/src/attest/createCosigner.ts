import type {
  AccountHealth,
  MarginPermit,
  Quorum,
  SignerSet,
  SigningRequest,
  XmarginDomain,
} from '@xmargin/attestation'
import type { Logger } from 'pino'
import type { LocalAccount } from 'viem'
import type { RelaySettings } from '../config/relaySettings.js'
import type { RelayMetrics } from '../metrics/createRelayMetrics.js'
import type { LeaderLease } from '../node/createLeaderLease.js'
import type { ChainAnchor, PortfolioSource } from '../portfolio/types.js'
import type { RiskBook } from '../risk/createRiskBook.js'
import { checkHealthProposal, pickSnapshot } from './verifyHealthProposal.js'

/** How stale the lease holder read may be when checking a proposal's fencing token (ms). */
const LEASE_CACHE_MS = 100

export type Cosigner = {
  start(): void
  /** Stops taking requests and waits for the ones being checked. */
  stop(): Promise<void>
}

/** Checks a permit proposal (the permit service knows the reservations); returns the reason to refuse. */
export type PermitCheck = (
  request: SigningRequest<'MarginPermit'>,
  context: unknown,
) => Promise<string | undefined>

/**
 * Every node's signing loop: reads each proposal from the quorum stream (resuming from its persisted
 * cursor after a restart), checks it against its own state and signs it with its own key. Health
 * proposals wait (up to `anchorWaitMs`) until this node has processed the proposal's anchor blocks and
 * recomputed the account, then compare (see `checkHealthProposal`); permit proposals go to the permit
 * service's check. Proposals this node made itself are skipped: the proposer signs them directly.
 *
 * @example const cosigner = createCosigner({ ... }); cosigner.start()
 */
export function createCosigner(parameters: {
  quorum: Quorum
  signer: LocalAccount
  nodeId: string
  lease: LeaderLease
  book: RiskBook
  source: PortfolioSource
  signerSet: () => SignerSet
  domains: ReadonlyMap<number, XmarginDomain>
  checkPermit: PermitCheck
  settings: RelaySettings['attestation']
  metrics: RelayMetrics
  logger: Logger
}): Cosigner {
  const { quorum, signer, nodeId, lease, book, source, domains, settings, metrics, logger } = parameters
  const running = new Set<Promise<void>>()
  let watcher: { stop(): Promise<void> } | undefined
  let stopped = false

  /** Logs the refusal and records it in the quorum, so the proposer stops waiting for this node. */
  const refuse = async (request: SigningRequest, reason: string) => {
    metrics.cosignRefused.inc({ reason })
    logger.warn({ digest: request.digest, type: request.primaryType, reason }, 'refused to sign')
    await quorum.refuse(request, signer.address, reason)
  }

  /** Waits until this node's state covers `anchors` and the account is recomputed; false on timeout or reorg. */
  const reach = async (anchors: readonly ChainAnchor[], account: `0x${string}`): Promise<boolean> => {
    const deadline = Date.now() + settings.anchorWaitMs
    for (;;) {
      const mine = new Map(source.anchors().map((a) => [a.chainId, a]))
      let behind = false
      for (const anchor of anchors) {
        const own = mine.get(anchor.chainId)
        if (!own || own.blockNumber < anchor.blockNumber) behind = true
        else if (own.blockNumber === anchor.blockNumber && own.blockHash !== anchor.blockHash) return false
      }
      if (!behind && book.isCurrent(account)) return true
      if (Date.now() >= deadline || stopped) return false
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  const checkHealth = async (request: SigningRequest<'AccountHealth'>): Promise<string | undefined> => {
    const context = request.context as {
      kind?: string
      fence?: string
      anchors?: { chainId: number; blockNumber: string; blockHash: `0x${string}` }[]
    } | null
    if (context?.kind !== 'health' || !context.fence || !Array.isArray(context.anchors))
      return 'malformedContext'
    let anchors: ChainAnchor[]
    let proposalFence: bigint
    try {
      anchors = context.anchors.map((a) => ({
        chainId: a.chainId,
        blockNumber: BigInt(a.blockNumber),
        blockHash: a.blockHash,
      }))
      proposalFence = BigInt(context.fence)
    } catch {
      return 'malformedContext'
    }
    const message: AccountHealth = request.message
    if (!(await reach(anchors, message.account))) return 'anchorsNotReached'
    const holder = await lease.holder(LEASE_CACHE_MS)
    return checkHealthProposal({
      domain: request.domain,
      message,
      anchors,
      proposalFence,
      currentFence: holder?.fence,
      risk: book.get(message.account),
      snapshot: pickSnapshot(book.history(message.account), anchors, message.anchorsDigest),
      domains,
      signerSet: parameters.signerSet(),
      paramsHash: book.paramsHash,
      nowS: Date.now() / 1_000,
      lifetimeS: settings.lifetimeS,
      relTolerance: settings.relTolerance,
      absToleranceUsd: settings.absToleranceUsd,
    })
  }

  const handle = async (request: SigningRequest) => {
    const context = request.context as { nodeId?: string } | null
    if (context?.nodeId === nodeId) return
    let reason: string | undefined
    try {
      if (request.primaryType === 'AccountHealth')
        reason = await checkHealth(request as SigningRequest<'AccountHealth'>)
      else if (request.primaryType === 'MarginPermit') {
        const permit = request as SigningRequest<'MarginPermit'>
        const message: MarginPermit = permit.message
        reason =
          message.epoch !== parameters.signerSet().epoch
            ? 'wrongEpoch'
            : await parameters.checkPermit(permit, request.context)
      } else reason = 'unsupportedType'
    } catch (error) {
      logger.error({ err: error, digest: request.digest }, 'checking a proposal failed')
      reason = 'checkFailed'
    }
    if (reason) return refuse(request, reason)
    await quorum.sign(request, signer)
    metrics.cosigned.inc({ type: request.primaryType })
  }

  return {
    start() {
      watcher = quorum.watch(nodeId, async (request) => {
        if (stopped) return
        // Checks run concurrently (one may wait for anchors); the cursor moves on once a slot is free.
        const run = handle(request).catch((error: unknown) =>
          logger.error({ err: error, digest: request.digest }, 'signing failed'),
        )
        running.add(run)
        void run.finally(() => running.delete(run))
        if (running.size >= settings.concurrency) await Promise.race(running)
      })
    },
    async stop() {
      stopped = true
      await watcher?.stop()
      await Promise.allSettled([...running])
    },
  }
}
