import { RetryableError } from '@xmargin/errors'
import { redactUrls } from '@xmargin/tx'
import { type Abi, type Address, type Client, decodeErrorResult, type Hex, type Log, numberToHex } from 'viem'

export type SimulatedCall =
  | { status: 'success'; gasUsed: bigint; logs: Log[]; returnData: Hex }
  | { status: 'reverted'; errorName: string | undefined; args: readonly unknown[]; data: Hex | undefined }

type RpcCallResult = {
  status: Hex
  returnData: Hex
  gasUsed: Hex
  logs?: Array<{
    address: Address
    topics: Hex[]
    data: Hex
    logIndex?: Hex
    blockNumber?: Hex
    transactionHash?: Hex
  }>
  error?: { code?: number; message?: string; data?: Hex }
}

/**
 * Runs one call in the block after `after` with `eth_simulateV1` (no validation, so no fee is charged)
 * and returns its gas and logs, or its decoded revert. The keeper reads the reward and the shortfall of a
 * liquidation from these logs before deciding to send it.
 *
 * @example const sim = await simulateCall(client, { from, to: liquidator, data, value: 0n, abi, after: state })
 */
export async function simulateCall(
  client: Client,
  parameters: {
    from: Address
    to: Address
    data: Hex
    value: bigint
    gas?: bigint | undefined
    abi: Abi
    /**
     * The block the keeper read (its number and time): the call runs on its state, in the block after it.
     * Nodes differ in the number and time they give a simulated block by default (anvil: the base's number
     * and the node's clock, which after fast mining lags the chain's and makes contracts' `block.timestamp −
     * updatedAt` underflow).
     */
    after: { number: bigint; timestamp: bigint }
  },
): Promise<SimulatedCall> {
  const { from, to, data, value, abi } = parameters
  let blocks: Array<{ calls: RpcCallResult[] }>
  try {
    blocks = (await client.request({
      method: 'eth_simulateV1',
      params: [
        {
          blockStateCalls: [
            {
              blockOverrides: {
                number: numberToHex(parameters.after.number + 1n),
                time: numberToHex(parameters.after.timestamp + 1n),
              },
              calls: [
                {
                  from,
                  to,
                  data,
                  value: numberToHex(value),
                  ...(parameters.gas ? { gas: numberToHex(parameters.gas) } : {}),
                },
              ],
            },
          ],
          validation: false,
          traceTransfers: false,
        },
        numberToHex(parameters.after.number),
      ],
    } as never)) as Array<{ calls: RpcCallResult[] }>
  } catch (error) {
    throw new RetryableError('eth_simulateV1 failed (the node needs to support it)', {
      details: redactUrls(error instanceof Error ? error.message : String(error)),
    })
  }
  const call = blocks[0]?.calls[0]
  if (!call) throw new RetryableError('eth_simulateV1 returned no call result')
  if (BigInt(call.status) === 1n)
    return {
      status: 'success',
      gasUsed: BigInt(call.gasUsed),
      returnData: call.returnData,
      logs: (call.logs ?? []).map(
        (log, i) =>
          ({
            address: log.address,
            topics: log.topics,
            data: log.data,
            logIndex: i,
            blockNumber: null,
            blockHash: null,
            transactionHash: null,
            transactionIndex: null,
            removed: false,
          }) as unknown as Log,
      ),
    }
  const revertData = call.error?.data ?? (call.returnData !== '0x' ? call.returnData : undefined)
  if (!revertData || revertData === '0x')
    return { status: 'reverted', errorName: undefined, args: [], data: undefined }
  try {
    const decoded = decodeErrorResult({ abi, data: revertData })
    return { status: 'reverted', errorName: decoded.errorName, args: decoded.args ?? [], data: revertData }
  } catch {
    return { status: 'reverted', errorName: undefined, args: [], data: revertData }
  }
}
