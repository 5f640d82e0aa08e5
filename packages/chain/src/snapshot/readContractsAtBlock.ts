import { xmarginErrorsAbi } from '@xmargin/contracts'
import {
  type Abi,
  type Address,
  type Client,
  decodeErrorResult,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
} from 'viem'
import type { ChainAnchor } from '../types.js'
import { multicallAtBlock } from './multicallAtBlock.js'

/** A view call to decode with its ABI. */
export type ContractRead = { address: Address; abi: Abi; functionName: string; args?: readonly unknown[] }

/** A decoded result, or the revert (decoded when it is one of our custom errors). */
export type ReadResult = { ok: true; value: unknown } | { ok: false; error: string }

/**
 * A handful of heterogeneous views at one pinned block in one `aggregate3` (or a few), decoded with their
 * ABIs. For the high-volume account reads use `readAccounts`, which skips viem's generic codec.
 */
export async function readContractsAtBlock(
  client: Client,
  parameters: { multicall3: Address; anchor: ChainAnchor; reads: readonly ContractRead[] },
): Promise<{ results: ReadResult[]; requests: number }> {
  if (parameters.reads.length === 0) return { results: [], requests: 0 }
  const calls = parameters.reads.map((read) => ({
    target: read.address,
    callData: encodeFunctionData({
      abi: read.abi,
      functionName: read.functionName,
      args: read.args ?? [],
    } as never),
  }))
  const { results, requests } = await multicallAtBlock(client, {
    multicall3: parameters.multicall3,
    anchor: parameters.anchor,
    calls,
  })
  return {
    requests,
    results: results.map((result, i): ReadResult => {
      const read = parameters.reads[i]!
      if (!result.success) return { ok: false, error: describeRevert(result.returnData) }
      try {
        return {
          ok: true,
          value: decodeFunctionResult({
            abi: read.abi,
            functionName: read.functionName,
            data: result.returnData,
          } as never),
        }
      } catch (error) {
        return { ok: false, error: `undecodable result of ${read.functionName}: ${(error as Error).message}` }
      }
    }),
  }
}

/** A revert's custom error as `Name(arg, …)`, or its raw data. */
export function describeRevert(data: Hex): string {
  if (data === '0x') return 'reverted without data'
  try {
    const decoded = decodeErrorResult({ abi: xmarginErrorsAbi, data })
    return `${decoded.errorName}(${(decoded.args ?? []).map(String).join(', ')})`
  } catch {
    return `reverted: ${data.slice(0, 74)}`
  }
}
