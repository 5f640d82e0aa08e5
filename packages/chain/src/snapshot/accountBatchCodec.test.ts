import { encodeAbiParameters, toFunctionSelector } from 'viem'
import { expect, test } from 'vitest'
import { decodeAggregate3Buffer, encodeAccountBatch, readInt256At } from './accountBatchCodec.js'
import { encodeAggregate3, encodeStaticCall } from './aggregate3Codec.js'

const vault = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const book = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512'
const asset = '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0'
const balanceOf = toFunctionSelector('function balanceOf(address,address)')
const position = toFunctionSelector('function position(address,uint32)')
const accounts = [
  '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
] as const

test('default: the same calldata as the generic encoder', () => {
  const kinds = [
    { target: vault, selector: balanceOf, argument: asset },
    { target: book, selector: position, argument: 7 },
  ] as const
  expect(encodeAccountBatch(accounts, kinds)).toBe(
    encodeAggregate3(
      accounts.flatMap((account) =>
        kinds.map((kind) => ({
          target: kind.target,
          callData: encodeStaticCall(kind.selector, [account, kind.argument]),
        })),
      ),
    ),
  )
})

test('behavior: decodes results and signed words in place', () => {
  const returned = encodeAbiParameters(
    [{ type: 'tuple[]', components: [{ type: 'bool' }, { type: 'bytes' }] }],
    [
      [
        [true, encodeAbiParameters([{ type: 'int256' }], [-42n])],
        [false, '0x'],
        [
          true,
          encodeAbiParameters(
            [{ type: 'int256' }, { type: 'int256' }, { type: 'int256' }],
            [2n ** 200n, 0n, -(2n ** 255n)],
          ),
        ],
      ],
    ],
  )
  const batch = decodeAggregate3Buffer(returned)
  expect(batch.success).toEqual([true, false, true])
  expect(batch.lengths).toEqual([32, 0, 96])
  expect(readInt256At(batch.buffer, batch.offsets[0]!)).toBe(-42n)
  expect(readInt256At(batch.buffer, batch.offsets[2]!)).toBe(2n ** 200n)
  expect(readInt256At(batch.buffer, batch.offsets[2]! + 32)).toBe(0n)
  expect(readInt256At(batch.buffer, batch.offsets[2]! + 64)).toBe(-(2n ** 255n))
})
