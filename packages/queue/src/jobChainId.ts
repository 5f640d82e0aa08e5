import type { JobData, JobKind } from './schemas.js'

/**
 * The chain a job writes to, which picks its queue: `chainId` for attestations and liquidations,
 * `dstChainId` for LayerZero deliveries.
 */
export function jobChainId<kind extends JobKind>(kind: kind, data: JobData<kind>): number {
  return kind === 'lzDeliver'
    ? (data as JobData<'lzDeliver'>).dstChainId
    : (data as JobData<'liquidate'>).chainId
}
