import { multicall3Abi } from '@xmargin/contracts'
import {
  type Address,
  decodeFunctionResult,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  toFunctionSelector,
} from 'viem'
import { expect, test } from 'vitest'
import {
  decodeAggregate3,
  encodeAggregate3,
  encodeStaticCall,
  readInt256,
  readUint256,
} from './aggregate3Codec.js'

const target: Address = '0xcA11bde05977b3631167028862bE2a173976CA11'
const calls = [
  { target, callData: '0x' as Hex, allowFailure: true },
  { target, callData: '0x42cbb15c' as Hex, allowFailure: false },
  { target, callData: `0x4d2301cc${'ab'.repeat(32)}00` as Hex, allowFailure: true },
]

test('default: calldata equals viem encodeFunctionData', () => {
  expect(encodeAggregate3(calls)).toBe(
    encodeFunctionData({ abi: multicall3Abi, functionName: 'aggregate3', args: [calls] }),
  )
  expect(encodeAggregate3([])).toBe(
    encodeFunctionData({ abi: multicall3Abi, functionName: 'aggregate3', args: [[]] }),
  )
})

test('behavior: decodes what viem encodes', () => {
  const results = [
    { success: true, returnData: '0x' as Hex },
    { success: false, returnData: `0x${'ff'.repeat(33)}` as Hex },
    { success: true, returnData: `0x${'01'.repeat(64)}` as Hex },
  ]
  const encoded = encodeAbiParameters(
    [
      {
        type: 'tuple[]',
        components: [
          { name: 'success', type: 'bool' },
          { name: 'returnData', type: 'bytes' },
        ],
      },
    ],
    [results],
  )
  expect(decodeAggregate3(encoded)).toEqual(results)
  expect(decodeFunctionResult({ abi: multicall3Abi, functionName: 'aggregate3', data: encoded })).toEqual(
    results,
  )
})

test('behavior: static calls and signed words', () => {
  const selector = toFunctionSelector('function f(address,uint32,int256)')
  expect(encodeStaticCall(selector, [target, 7, -1n])).toBe(
    `${selector}${target.slice(2).toLowerCase().padStart(64, '0')}${'7'.padStart(64, '0')}${'f'.repeat(64)}`,
  )
  const data = encodeAbiParameters([{ type: 'int256' }, { type: 'uint256' }], [-5n, 2n ** 255n])
  expect(readInt256(data, 0)).toBe(-5n)
  expect(readUint256(data, 1)).toBe(2n ** 255n)
})
