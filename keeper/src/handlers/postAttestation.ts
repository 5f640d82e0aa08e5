import { riskGuardAbi } from '@xmargin/contracts'
import { AlreadyDoneError, type JobContext, type JobData } from '@xmargin/queue'
import { SimulationRevertedError } from '@xmargin/tx'
import type { Logger } from 'pino'
import { encodeFunctionData, type Hex } from 'viem'
import { classifyRevert } from '../classifyRevert.js'
import { engineOf, type KeeperChain } from '../keeperChain.js'
import type { KeeperMetrics } from '../metrics.js'
import { keeperErrorsAbi } from './errorsAbi.js'
import { errorFor } from './jobControl.js'

export type PostAttestationDeps = {
  chain: KeeperChain
  settings: { confirmations: number; waitTimeoutMs: number }
  metrics: KeeperMetrics
  logger: Logger
}

/** Whether an attestation still needs posting, from the RiskGuard's last sequence and the chain's clock. */
export type PostDecision =
  | { action: 'post' }
  | { action: 'done'; reason: 'alreadyPosted' | 'superseded' | 'expired' }

/**
 * | condition                                 | outcome             |
 * |-------------------------------------------|---------------------|
 * | lastSequence = sequence                   | done alreadyPosted  |
 * | lastSequence > sequence                   | done superseded     |
 * | expiry < next block time, or asOf + maxAge < it | done expired  |
 * | otherwise                                 | post                |
 *
 * @example decidePost({ sequence: 3n, expiry, asOf }, { lastSequence: 3n, timestamp, maxAttestationAge }) // done alreadyPosted
 */
export function decidePost(
  attestation: { sequence: bigint; asOf: bigint; expiry: bigint },
  chain: { lastSequence: bigint; timestamp: bigint; maxAttestationAge: bigint },
): PostDecision {
  const next = chain.timestamp + 1n
  if (chain.lastSequence === attestation.sequence) return { action: 'done', reason: 'alreadyPosted' }
  if (chain.lastSequence > attestation.sequence) return { action: 'done', reason: 'superseded' }
  if (attestation.expiry < next || attestation.asOf + chain.maxAttestationAge < next)
    return { action: 'done', reason: 'expired' }
  return { action: 'post' }
}

/**
 * Posts a signed attestation to the chain's RiskGuard (`postHealth`) so other contracts read the account's
 * latest health: re-reads the last sequence first (posted or superseded → done), submits with the job id
 * as intent, waits for the receipt.
 *
 * @example createWorker({ kind: 'postAttestation', chainId, handler: (data, ctx) => postAttestation(data, ctx, deps) })
 */
export async function postAttestation(
  data: JobData<'postAttestation'>,
  context: Pick<JobContext, 'jobId'>,
  deps: PostAttestationDeps,
): Promise<{ outcome: 'posted'; txHash: Hex; reused: boolean }> {
  const { chain, metrics } = deps
  const chainLabel = String(chain.chainId)
  const log = deps.logger.child({
    chainId: chain.chainId,
    account: data.account,
    jobId: context.jobId,
    sequence: data.sequence.toString(),
  })
  const block = await chain.client.getBlock({ blockTag: 'latest' })
  const [lastSequence, maxAttestationAge] = await chain.client.multicall({
    blockNumber: block.number,
    allowFailure: false,
    contracts: [
      {
        address: chain.contracts.riskGuard,
        abi: riskGuardAbi,
        functionName: 'lastSequence',
        args: [data.account],
      },
      { address: chain.contracts.riskGuard, abi: riskGuardAbi, functionName: 'maxAttestationAge' },
    ],
  })
  const decision = decidePost(data.health, {
    lastSequence: BigInt(lastSequence),
    timestamp: block.timestamp,
    maxAttestationAge: BigInt(maxAttestationAge),
  })
  if (decision.action === 'done') {
    metrics.attestations.inc({ chain: chainLabel, outcome: decision.reason })
    log.info({ reason: decision.reason }, 'attestation post done without a transaction')
    throw new AlreadyDoneError(decision.reason)
  }
  let tx: Awaited<ReturnType<ReturnType<typeof engineOf>['submit']>>
  try {
    tx = await engineOf(chain).submit({
      intentId: context.jobId,
      to: chain.contracts.riskGuard,
      data: encodeFunctionData({
        abi: riskGuardAbi,
        functionName: 'postHealth',
        args: [data.health, data.signatures],
      }),
      abi: keeperErrorsAbi,
    })
  } catch (error) {
    if (!(error instanceof SimulationRevertedError)) throw error
    const classification = classifyRevert(error.errorName)
    // "Replayed" for our own sequence means someone posted it first: the effect we wanted.
    const outcome =
      classification.action === 'done'
        ? classification.reason
        : classification.action === 'fail'
          ? 'failed'
          : 'retrying'
    metrics.attestations.inc({ chain: chainLabel, outcome })
    log.info({ errorName: error.errorName, ...classification }, 'attestation post reverts')
    throw errorFor(
      classification.action === 'skip' ? { ...classification, action: 'retry' } : classification,
      'postHealth',
      error,
    )
  }
  const receipt = await tx.wait({
    confirmations: deps.settings.confirmations,
    timeoutMs: deps.settings.waitTimeoutMs,
  })
  metrics.attestations.inc({ chain: chainLabel, outcome: 'posted' })
  log.info({ txHash: receipt.transactionHash, reused: tx.reused }, 'attestation posted')
  return { outcome: 'posted', txHash: receipt.transactionHash, reused: tx.reused }
}
