import type { Address, Hex } from 'viem'
import { AGGREGATE3_SELECTOR } from './aggregate3Codec.js'

/*
 * The account reads' `aggregate3` calldata and results, encoded and decoded in one Buffer each: ~70 000
 * calls per chain are 18 MB of hex, and building them as strings spent more CPU in allocation and GC than
 * the nodes spent answering (profiled). Every call is static with 68 bytes of calldata, so every tuple has
 * the same size and the layout is fixed:
 *
 *   selector ‖ 0x20 ‖ n ‖ offset_i = 32·n + 224·i ‖ tuple_i
 *   tuple_i  = target ‖ allowFailure = 1 ‖ 0x60 ‖ 68 ‖ selector ‖ account ‖ (asset | instrumentId) ‖ 28 zero bytes
 */

const TUPLE_BYTES = 224
const CALLDATA_BYTES = 68

/** One kind of per-account read: `selector(account, argument)` on `target`. */
export type AccountReadKind = { target: Address; selector: Hex; argument: Address | number }

/** Calldata of `aggregate3` reading every `kind` for every account, account by account. */
export function encodeAccountBatch(accounts: readonly Address[], kinds: readonly AccountReadKind[]): Hex {
  const n = accounts.length * kinds.length
  const buffer = Buffer.alloc(4 + 64 + n * 32 + n * TUPLE_BYTES)
  buffer.write(AGGREGATE3_SELECTOR.slice(2), 0, 'hex')
  buffer.writeUInt32BE(0x20, 4 + 28)
  buffer.writeUInt32BE(n, 4 + 32 + 28)
  const heads = 4 + 64
  const tails = heads + n * 32
  const targets = kinds.map((kind) => Buffer.from(kind.target.slice(2), 'hex'))
  const selectors = kinds.map((kind) => Buffer.from(kind.selector.slice(2), 'hex'))
  const argumentWords = kinds.map((kind) => {
    const word = Buffer.alloc(32)
    if (typeof kind.argument === 'number') word.writeUInt32BE(kind.argument, 28)
    else word.write(kind.argument.slice(2), 12, 'hex')
    return word
  })
  let i = 0
  for (const account of accounts) {
    const accountBytes = Buffer.from(account.slice(2), 'hex')
    for (let k = 0; k < kinds.length; k++, i++) {
      buffer.writeUInt32BE(n * 32 + i * TUPLE_BYTES, heads + i * 32 + 28)
      const tuple = tails + i * TUPLE_BYTES
      targets[k]!.copy(buffer, tuple + 12)
      buffer[tuple + 63] = 1
      buffer[tuple + 95] = 0x60
      buffer[tuple + 127] = CALLDATA_BYTES
      selectors[k]!.copy(buffer, tuple + 128)
      accountBytes.copy(buffer, tuple + 132 + 12)
      argumentWords[k]!.copy(buffer, tuple + 164)
    }
  }
  return `0x${buffer.toString('hex')}`
}

/** `aggregate3` results in one Buffer: call i succeeded when `success[i]`, its data at `offsets[i]`. */
export type DecodedBatch = { buffer: Buffer; success: boolean[]; offsets: number[]; lengths: number[] }

/** Decodes `aggregate3` return data without copying each result. */
export function decodeAggregate3Buffer(returnData: Hex): DecodedBatch {
  const buffer = Buffer.from(returnData.slice(2), 'hex')
  const base = readSmall(buffer, 0)
  const n = readSmall(buffer, base)
  const content = base + 32
  const success = new Array<boolean>(n)
  const offsets = new Array<number>(n)
  const lengths = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    const tuple = content + readSmall(buffer, content + i * 32)
    success[i] = buffer[tuple + 31] === 1
    const data = tuple + readSmall(buffer, tuple + 32)
    lengths[i] = readSmall(buffer, data)
    offsets[i] = data + 32
  }
  return { buffer, success, offsets, lengths }
}

/** The signed 256-bit word at `at` (two's complement). */
export function readInt256At(buffer: Buffer, at: number): bigint {
  let zero = true
  for (let j = 0; j < 32; j += 8)
    if (buffer.readBigUInt64BE(at + j) !== 0n) {
      zero = false
      break
    }
  if (zero) return 0n
  return (
    (buffer.readBigInt64BE(at) << 192n) |
    (buffer.readBigUInt64BE(at + 8) << 128n) |
    (buffer.readBigUInt64BE(at + 16) << 64n) |
    buffer.readBigUInt64BE(at + 24)
  )
}

function readSmall(buffer: Buffer, at: number): number {
  return buffer.readUInt32BE(at + 28)
}
