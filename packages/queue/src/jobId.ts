import type { JobData, JobKind } from './schemas.js'

/**
 * The job id, built from what the job acts on, so that adding the same job twice is a no-op:
 * `post-<chainId>-<account>-<sequence>`, `liq-<chainId>-<account>-<sequence>`, `lz-<guid>`.
 * Ids never contain `:` (BullMQ rejects it in custom ids; it also separates Redis key parts).
 *
 * @example jobId('liquidate', data) // 'liq-31337-0x90F79bf6EB2c4f870365E785982E1f101E93b906-7'
 */
export function jobId<kind extends JobKind>(kind: kind, data: JobData<kind>): string {
  const id = build(kind, data)
  // Invariant: ids come from decoded payloads (numbers, checksummed addresses, hex), never from free text.
  if (id.includes(':')) throw new Error(`jobId: ${id} contains ':'`)
  return id
}

function build(kind: JobKind, data: JobData<JobKind>): string {
  switch (kind) {
    case 'postAttestation': {
      const { chainId, account, sequence } = data as JobData<'postAttestation'>
      return `post-${chainId}-${account}-${sequence}`
    }
    case 'liquidate': {
      const { chainId, account, sequence } = data as JobData<'liquidate'>
      return `liq-${chainId}-${account}-${sequence}`
    }
    case 'lzDeliver':
      return `lz-${(data as JobData<'lzDeliver'>).guid.toLowerCase()}`
  }
}
