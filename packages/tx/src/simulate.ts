import { RetryableError } from '@xmargin/errors'
import type { Abi, Address, BlockTag, Client, Hex } from 'viem'
import { decodeErrorResult } from 'viem'
import { call, estimateGas } from 'viem/actions'
import { SimulationRevertedError } from './errors.js'
import { redactUrls } from './redactUrls.js'

export type SimulateParameters = {
  from: Address
  to: Address
  data: Hex
  value: bigint
  /** When given, the call runs with this gas limit (`eth_call`); else `eth_estimateGas` runs it and sizes it. */
  gas?: bigint | undefined
  /** Decodes the revert (custom errors with arguments); `Error(string)` and `Panic(uint256)` always decode. */
  abi?: Abi | undefined
  /** `pending` before a first broadcast; `latest` before re-sending one (see `reconcileSigner`). */
  blockTag: BlockTag
}

/**
 * Runs the call against the node without sending it. Resolves with the gas it used when the caller
 * gave none; throws `SimulationRevertedError` with the decoded error when it reverts, and a
 * `RetryableError` when the node could not answer.
 *
 * @example await simulateTransaction(client, { from, to, data, value: 0n, abi, blockTag: 'pending' })
 */
export async function simulateTransaction(
  client: Client,
  parameters: SimulateParameters,
): Promise<{ gas: bigint | undefined }> {
  const { from, to, data, value, gas, abi, blockTag } = parameters
  try {
    if (gas === undefined)
      return { gas: await estimateGas(client, { account: from, to, data, value, blockTag }) }
    await call(client, { account: from, to, data, value, gas, blockTag })
    return { gas: undefined }
  } catch (error) {
    const revert = findRevert(error)
    if (!revert.reverted)
      throw new RetryableError('Simulation could not run (no revert: the node failed or refused the call)', {
        details: redactUrls((error as Error).message ?? String(error)),
      })
    throw revertError(revert.data, abi)
  }
}

function findRevert(error: unknown): { reverted: boolean; data: Hex | undefined } {
  let reverted = false
  let data: Hex | undefined
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 10; depth++) {
    const { name, code, data: value } = current as { name?: unknown; code?: unknown; data?: unknown }
    // viem: CallExecutionError / EstimateGasExecutionError ← ExecutionRevertedError ← RpcRequestError(code 3, data).
    if (name === 'ExecutionRevertedError' || code === 3) reverted = true
    if (typeof value === 'string' && /^0x[0-9a-fA-F]*$/.test(value) && data === undefined) data = value as Hex
    current = (current as { cause?: unknown }).cause
  }
  return { reverted, data }
}

/** The decoded revert; the viem error is not kept as the cause (its message quotes the RPC URL). */
function revertError(data: Hex | undefined, abi: Abi | undefined): SimulationRevertedError {
  if (!data || data === '0x')
    return new SimulationRevertedError('Simulation reverted without a reason', { data })
  try {
    const decoded = decodeErrorResult({ abi: abi ?? [], data })
    const args = decoded.args ?? []
    return new SimulationRevertedError(
      `Simulation reverted: ${decoded.errorName}(${args.map(format).join(', ')})`,
      {
        errorName: decoded.errorName,
        args,
        data,
      },
    )
  } catch {
    return new SimulationRevertedError(`Simulation reverted with unknown error ${data.slice(0, 10)}`, {
      details: `data: ${data}`,
      data,
    })
  }
}

function format(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}
