import type { Readiness } from '@xmargin/sdk'
import type { PortfolioStatus } from '../portfolio/types.js'

/**
 * `/readyz` of a relay node from what it knows:
 *  - 503 `notReady`: starting or stopping, Redis unreachable (no heartbeat written within the liveness
 *    TTL), the portfolio not loaded or a chain unreachable, or fewer live signers than the threshold;
 *  - 206 `degraded`: a chain being rebuilt or lagging more than `maxLagBlocks`, or exactly the threshold of
 *    signers alive (one more loss stops attestations);
 *  - 200 `ready` otherwise.
 *
 * @example readiness({ ... }).code // 200
 */
export function readiness(state: {
  phase: 'starting' | 'running' | 'stopping'
  nodeId: string
  signer: `0x${string}`
  leader: boolean
  redisOk: boolean
  portfolio: PortfolioStatus
  aliveSigners: number
  threshold: number
  totalSigners: number
  epoch: bigint
  maxLagBlocks: number
}): { code: 200 | 206 | 503; body: Readiness } {
  const fatal: string[] = []
  const degraded: string[] = []
  if (state.phase !== 'running') fatal.push(state.phase)
  if (!state.redisOk) fatal.push('redisUnreachable')
  if (!state.portfolio.ready) fatal.push('portfolioLoading')
  for (const chain of state.portfolio.chains) {
    if (chain.error) fatal.push(`chainUnreachable:${chain.chainId}`)
    else if (chain.stale) degraded.push(`chainRebuilding:${chain.chainId}`)
    else if ((chain.lagBlocks ?? 0) > state.maxLagBlocks) degraded.push(`chainLagging:${chain.chainId}`)
  }
  if (state.aliveSigners < state.threshold)
    fatal.push(`belowThreshold:${state.aliveSigners}/${state.threshold}`)
  else if (state.aliveSigners === state.threshold && state.totalSigners > state.threshold)
    degraded.push(`atThreshold:${state.aliveSigners}/${state.threshold}`)
  const status = fatal.length > 0 ? 'notReady' : degraded.length > 0 ? 'degraded' : 'ready'
  return {
    code: status === 'notReady' ? 503 : status === 'degraded' ? 206 : 200,
    body: {
      status,
      node: { id: state.nodeId, signer: state.signer, leader: state.leader },
      signers: {
        alive: state.aliveSigners,
        threshold: state.threshold,
        total: state.totalSigners,
        epoch: state.epoch.toString(),
      },
      chains: state.portfolio.chains.map((chain) => ({
        chainId: chain.chainId,
        blockNumber: chain.blockNumber?.toString() ?? null,
        lagBlocks: chain.lagBlocks ?? null,
      })),
      reasons: [...fatal, ...degraded],
    },
  }
}
