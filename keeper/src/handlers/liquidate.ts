import { liquidatorAbi } from '@xmargin/contracts'
import { fromWad, keeperReward } from '@xmargin/margin'
import { AlreadyDoneError, type JobContext, type JobData } from '@xmargin/queue'
import { SimulationRevertedError, type SubmittedTx } from '@xmargin/tx'
import type { Logger } from 'pino'
import { type Address, encodeFunctionData, type Hex } from 'viem'
import { classifyRevert } from '../classifyRevert.js'
import { engineOf, type KeeperChain } from '../keeperChain.js'
import type { KeeperMetrics } from '../metrics.js'
import { buildCloses, type OrderClose } from './buildCloses.js'
import type { Limiter } from './createLimiter.js'
import type { Pacer } from './createPacer.js'
import { assessLiquidation, decideLiquidation } from './decideLiquidation.js'
import { keeperErrorsAbi } from './errorsAbi.js'
import { deferJob, errorFor } from './jobControl.js'
import { encodeLiquidate, readLiquidationLogs } from './liquidatorCodec.js'
import { planRoutes, type SeizeRoute } from './planRoutes.js'
import { readLiquidationState } from './readLiquidationState.js'
import { readRemoteCollateral } from './readRemoteCollateral.js'
import { type SimulatedCall, simulateCall } from './simulateCall.js'

export type LiquidateDeps = {
  /** The chain that holds the risky positions (served: it has a transaction engine). */
  chain: KeeperChain
  /** The deployment's other chains, read to route seize requests to where the collateral is. */
  remotes: readonly KeeperChain[]
  settings: {
    confirmations: number
    minProfitUsd: number
    retryDelayMs: number
    flagWhenUnprofitable: boolean
    gasLimitMultiplier: number
    waitTimeoutMs: number
  }
  /** Paces this chain's sends (`liquidation.sendsPerSecond`); default: no limit. */
  pacer?: Pacer | undefined
  /** Runs the preparing part of a job (reads to send) a few at a time (`liquidation.prepareConcurrency`). */
  prepare?: Limiter | undefined
  metrics: KeeperMetrics
  logger: Logger
  /** Address simulations run from when the engine holds no signer yet. */
  fallbackSender: Address
}

/** What a liquidation job returns (stored as the BullMQ job's return value). */
export type LiquidateResult = {
  outcome: 'liquidated'
  chainId: number
  account: Address
  sequence: string
  txHash: Hex
  liquidationId: Hex | undefined
  rewardUsd: number
  costUsd: number
  /** true when an earlier run of this job (a crashed keeper, a duplicate) had sent the transaction. */
  reused: boolean
}

/**
 * Liquidates an account on the chain that holds its risky positions: re-reads the chain (sequences, last
 * change, positions), builds the order from the job's plan within the attested `maxClose`, simulates it
 * (reward and shortfall from the simulated logs), routes seize requests to the chains that hold the rest of
 * the collateral, checks profitability (reward vs gas and LayerZero fees at the current price; bad debt
 * runs anyway), then submits through the transaction engine with the job id as intent and waits for the
 * receipt. "Already liquidated", "superseded" and "healthy now" complete the job as done.
 *
 * @example createWorker({ kind: 'liquidate', chainId, handler: (data, ctx) => liquidate(data, ctx, deps) })
 */
export async function liquidate(
  data: JobData<'liquidate'>,
  context: Pick<JobContext, 'jobId' | 'job'>,
  deps: LiquidateDeps,
): Promise<LiquidateResult> {
  const { chain, metrics, settings } = deps
  const { jobId } = context
  const chainLabel = String(chain.chainId)
  const { account, health, signatures } = data
  const log = deps.logger.child({
    chainId: chain.chainId,
    account,
    jobId,
    sequence: health.sequence.toString(),
  })
  const engine = engineOf(chain)
  const count = (outcome: string) => metrics.liquidations.inc({ chain: chainLabel, outcome })

  // Reads, simulation, profit check and sending run under the chain's prepare limiter (a few jobs at a
  // time, first come first served); waiting for the receipt does not hold a permit.
  const sent = await (deps.prepare ?? runNow)(async (): Promise<Sent | LiquidateResult> => {
    const state = await readLiquidationState(
      chain,
      account,
      health.marks.map((mark) => mark.instrumentId),
    )
    const closes = buildCloses({ marks: health.marks, positions: state.positions, planned: data.closes })
    const assessment = assessLiquidation(health, { ...state, closeCount: closes.length })
    if (assessment.action === 'done') {
      // Our own transaction (an earlier run of this job, before a crash) is what liquidated it: report it.
      const own = assessment.reason === 'alreadyLiquidated' ? await ownLiquidation(deps, jobId) : undefined
      if (own) {
        count('liquidated')
        log.info({ txHash: own.txHash, reused: true }, 'liquidated (by an earlier run of this job)')
        return { ...own, account, sequence: health.sequence.toString() }
      }
      count(assessment.reason)
      log.info(
        { reason: assessment.reason, blockNumber: state.blockNumber },
        'liquidation job done without a transaction',
      )
      throw new AlreadyDoneError(assessment.reason)
    }
    if (assessment.action === 'wait') {
      count('retrying')
      throw errorFor({ action: 'retry', reason: assessment.reason }, 'liquidation not yet possible')
    }

    // Simulate without routes: the reward, the gas, and the shortfall remote chains must cover.
    const from = engine.heldSigners()[0] ?? deps.fallbackSender
    const call = (order: { closes: OrderClose[]; routes: SeizeRoute[] }) =>
      encodeLiquidate(account, health, signatures, order)
    const order = { closes, routes: [] as SeizeRoute[] }
    let calldata = call(order)
    let value = 0n
    let simulated = await simulateCall(chain.client, {
      from,
      to: chain.contracts.liquidator,
      data: calldata,
      value,
      abi: keeperErrorsAbi,
      after: { number: state.blockNumber, timestamp: state.timestamp },
    })
    let outcome = readOutcome(chain, simulated)
    if (outcome.shortfallUsd > 0n && deps.remotes.length > 0) {
      const remotes = await readRemoteCollateral(deps.remotes, account, (remote, error) =>
        log.warn(
          { remoteChainId: remote.chainId, err: error },
          'could not read collateral on a remote chain',
        ),
      )
      order.routes = planRoutes(outcome.shortfallUsd, remotes)
      if (order.routes.length > 0) {
        value = await chain.client.readContract({
          address: chain.contracts.liquidator,
          abi: liquidatorAbi,
          functionName: 'quoteRoutes',
          args: [account, order.routes],
        })
        calldata = call(order)
        simulated = await simulateCall(chain.client, {
          from,
          to: chain.contracts.liquidator,
          data: calldata,
          value,
          abi: keeperErrorsAbi,
          after: { number: state.blockNumber, timestamp: state.timestamp },
        })
        outcome = readOutcome(chain, simulated)
      }
    }
    if (simulated.status === 'reverted')
      return handleRevert(
        { errorName: simulated.errorName, args: simulated.args },
        'simulated liquidation',
        deps,
        context,
        log,
      )

    // Profitability: the reward at the price we pay versus gas and LayerZero fees, in USD.
    const gasPrice = await currentGasPrice(chain)
    if (state.nativeUsd === undefined) {
      count('skipped')
      metrics.liquidationSkipped.inc({ chain: chainLabel, reason: 'oracleUnavailable' })
      log.warn('native price unavailable: cannot price gas; looking again later')
      return deferJob(context, settings.retryDelayMs, 'native price unavailable')
    }
    const nativeUsd = fromWad(state.nativeUsd)
    const { reward: rewardUsd } = keeperReward(
      { penalty: fromWad(outcome.penaltyUsd), gasPriceWei: gasPrice, nativeUsd },
      {
        rewardShare: fromWad(state.params.rewardShare),
        minRewardUsd: fromWad(state.params.minRewardUsd),
        maxRewardUsd: fromWad(state.params.maxRewardUsd),
        gasOverhead: Number(state.params.gasOverhead),
      },
    )
    const costUsd = (Number(simulated.gasUsed * gasPrice + value) / 1e18) * nativeUsd
    const decision = decideLiquidation({
      rewardUsd,
      costUsd,
      minProfitUsd: settings.minProfitUsd,
      badDebt: health.equity < 0n,
    })
    metrics.liquidationProfit.observe({ chain: chainLabel, decision: decision.action }, decision.profitUsd)
    const figures = {
      rewardUsd: round(rewardUsd),
      gasCostUsd: round(costUsd),
      profitUsd: round(decision.profitUsd),
      gasUsed: simulated.gasUsed.toString(),
      gasPrice: gasPrice.toString(),
      lzFeeWei: value.toString(),
      routes: order.routes.length,
    }
    if (decision.action === 'skip') {
      count('skipped')
      metrics.liquidationSkipped.inc({ chain: chainLabel, reason: decision.reason })
      log.info(
        { ...figures, reason: decision.reason, retryInMs: settings.retryDelayMs },
        'liquidation skipped',
      )
      if (settings.flagWhenUnprofitable && state.flaggedAt === 0n) await flagAccount(data, deps, log)
      return deferJob(context, settings.retryDelayMs, decision.reason)
    }

    let tx: SubmittedTx
    await deps.pacer?.take()
    try {
      tx = await engine.submit({
        intentId: jobId,
        to: chain.contracts.liquidator,
        data: calldata,
        value,
        gas: (simulated.gasUsed * BigInt(Math.round(settings.gasLimitMultiplier * 1_000))) / 1_000n + 50_000n,
        abi: keeperErrorsAbi,
        // Not `simulated: true`: the engine's own run at the pending block also sees this account's other
        // liquidation still in the mempool and refuses to send a second that would revert on chain.
      })
    } catch (error) {
      if (error instanceof SimulationRevertedError)
        return handleRevert(
          { errorName: error.errorName, args: error.args },
          'liquidation simulated before sending',
          deps,
          context,
          log,
          error,
        )
      throw error
    }
    log.info(
      { ...figures, txHash: tx.hash, nonce: tx.nonce, signer: tx.signer, reused: tx.reused },
      'liquidation sent',
    )
    return { tx, rewardUsd, nativeUsd, value, reason: decision.reason }
  })
  if ('outcome' in sent) return sent
  const { tx, rewardUsd, nativeUsd, value, reason } = sent
  const receipt = await tx.wait({ confirmations: settings.confirmations, timeoutMs: settings.waitTimeoutMs })
  const mined = readLiquidationLogs(receipt.logs, chain.contracts.liquidator)
  const earned = mined.liquidationId ? fromWad(mined.rewardUsd) : rewardUsd
  const paid = (Number(receipt.gasUsed * receipt.effectiveGasPrice + value) / 1e18) * nativeUsd
  count('liquidated')
  metrics.liquidationRewardUsd.inc({ chain: chainLabel }, earned)
  metrics.liquidationCostUsd.inc({ chain: chainLabel }, paid)
  log.info(
    {
      txHash: receipt.transactionHash,
      blockNumber: receipt.blockNumber.toString(),
      liquidationId: mined.liquidationId,
      rewardUsd: round(earned),
      gasCostUsd: round(paid),
      reason,
    },
    'liquidated',
  )
  return {
    outcome: 'liquidated',
    chainId: chain.chainId,
    account,
    sequence: health.sequence.toString(),
    txHash: receipt.transactionHash,
    liquidationId: mined.liquidationId,
    rewardUsd: earned,
    costUsd: paid,
    reused: tx.reused,
  }
}

/** A liquidation sent and not yet mined, with what its profit decision was based on. */
type Sent = {
  tx: SubmittedTx
  rewardUsd: number
  nativeUsd: number
  value: bigint
  reason: 'profitable' | 'badDebt'
}

const runNow: Limiter = (task) => task()

/** Penalty and shortfall of a simulated liquidation, from its `Liquidated` and `LiquidationFinalised` logs. */
function readOutcome(
  chain: KeeperChain,
  simulated: SimulatedCall,
): { penaltyUsd: bigint; shortfallUsd: bigint } {
  if (simulated.status !== 'success') return { penaltyUsd: 0n, shortfallUsd: 0n }
  const logs = readLiquidationLogs(simulated.logs, chain.contracts.liquidator)
  // Without routes the liquidation finalises at once: negative cash left, or what it wrote off as bad debt,
  // is what remote chains could cover.
  const cashAfter = logs.cashAfter ?? 0n
  const shortfallUnits = (cashAfter < 0n ? -cashAfter : 0n) + logs.badDebtUnits
  // Settlement units → wad USD: the settlement token has `decimals` ≤ 18, worth $1 (unitsToUsd on chain).
  return { penaltyUsd: logs.penaltyUsd, shortfallUsd: shortfallUnits * settlementUnitUsd(chain) }
}

/** Wad USD per settlement unit (USDC: 1e12). Read from the deployment's settlement token. */
function settlementUnitUsd(chain: KeeperChain): bigint {
  return 10n ** BigInt(18 - chain.settlementDecimals)
}

async function handleRevert(
  revert: { errorName: string | undefined; args: readonly unknown[] | undefined },
  what: string,
  deps: LiquidateDeps,
  context: Pick<JobContext, 'jobId' | 'job'>,
  log: Logger,
  cause?: unknown,
): Promise<never> {
  const { errorName } = revert
  const classification = classifyRevert(errorName)
  const chain = String(deps.chain.chainId)
  const args = (revert.args ?? []).map(String).join(', ')
  log.info({ errorName, args, ...classification }, `${what} reverts`)
  if (classification.action === 'skip') {
    deps.metrics.liquidations.inc({ chain, outcome: 'skipped' })
    deps.metrics.liquidationSkipped.inc({ chain, reason: classification.reason })
    return deferJob(context, deps.settings.retryDelayMs, classification.reason)
  }
  const outcome =
    classification.action === 'done'
      ? classification.reason
      : classification.action === 'fail'
        ? 'failed'
        : 'retrying'
  deps.metrics.liquidations.inc({ chain, outcome })
  throw errorFor(classification, `${what} (${errorName ? `${errorName}(${args})` : 'no reason'})`, cause)
}

/** The liquidation this job's intent mined, if an earlier run sent it. */
async function ownLiquidation(
  deps: LiquidateDeps,
  jobId: string,
): Promise<Omit<LiquidateResult, 'account' | 'sequence'> | undefined> {
  const record = await engineOf(deps.chain).ledger.lookupIntent(jobId)
  if (!record?.minedHash || (record.state !== 'mined' && record.state !== 'final')) return undefined
  const receipt = await deps.chain.client.getTransactionReceipt({ hash: record.minedHash })
  if (receipt.status !== 'success') return undefined
  const logs = readLiquidationLogs(receipt.logs, deps.chain.contracts.liquidator)
  if (!logs.liquidationId) return undefined
  return {
    outcome: 'liquidated',
    chainId: deps.chain.chainId,
    txHash: receipt.transactionHash,
    liquidationId: logs.liquidationId,
    rewardUsd: fromWad(logs.rewardUsd),
    costUsd: 0,
    reused: true,
  }
}

/** Starts the Dutch auction so the reward grows while the keeper waits (one transaction per attestation). */
async function flagAccount(data: JobData<'liquidate'>, deps: LiquidateDeps, log: Logger): Promise<void> {
  const { chain } = deps
  try {
    const tx = await engineOf(chain).submit({
      intentId: `flag-${chain.chainId}-${data.account}-${data.sequence}`,
      to: chain.contracts.liquidator,
      data: encodeFunctionData({
        abi: liquidatorAbi,
        functionName: 'flag',
        args: [data.account, data.health, data.signatures],
      }),
      abi: keeperErrorsAbi,
    })
    log.info({ txHash: tx.hash }, 'flagged the account: its auction discount grows from now')
  } catch (error) {
    log.info({ err: error }, 'could not flag the account (it may be flagged already)')
  }
}

/** `eth_gasPrice` per chain, shared by the jobs of one second (every liquidation prices its gas with it). */
const gasPrices = new WeakMap<KeeperChain, { at: number; price: Promise<bigint> }>()
function currentGasPrice(chain: KeeperChain): Promise<bigint> {
  const cached = gasPrices.get(chain)
  if (cached && Date.now() - cached.at < 1_000) return cached.price
  const price = chain.client.getGasPrice()
  gasPrices.set(chain, { at: Date.now(), price })
  price.catch(() => gasPrices.delete(chain))
  return price
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6
}
