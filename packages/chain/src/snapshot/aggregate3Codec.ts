import type { Address, Hex } from 'viem'

/** One call inside a Multicall3 `aggregate3` batch. */
export type Call3 = { target: Address; callData: Hex; allowFailure?: boolean | undefined }

/** One result of `aggregate3`. */
export type Call3Result = { success: boolean; returnData: Hex }

/** `aggregate3((address,bool,bytes)[])` selector. */
export const AGGREGATE3_SELECTOR = '0x82ad56cb'

/*
 * A hand-rolled ABI codec for exactly `aggregate3`, because the snapshot encodes and decodes ~10^5 calls per
 * run and viem's generic encoder spends ~20 µs on each. Layout (every word 32 bytes, hex without 0x):
 *
 *   calldata   = selector ‖ 0x20 ‖ n ‖ offset_0 … offset_{n-1} ‖ tuple_0 … tuple_{n-1}
 *   tuple_i    = target ‖ allowFailure ‖ 0x60 ‖ len ‖ data padded to 32
 *   offset_i   = 32·n + Σ_{j<i} |tuple_j|            (relative to the word after n)
 *
 *   returndata = 0x20 ‖ n ‖ offset_0 … ‖ (success ‖ 0x40 ‖ len ‖ data padded)_i …
 *
 * The tests hold both directions equal to viem's encoder and decoder.
 */

/** Calldata of `aggregate3(calls)`. */
export function encodeAggregate3(calls: readonly Call3[]): Hex {
  const n = calls.length
  const heads: string[] = new Array(n)
  const tails: string[] = new Array(n)
  let offset = 32 * n
  for (let i = 0; i < n; i++) {
    const call = calls[i]!
    const data = call.callData.slice(2)
    const length = data.length / 2
    const padded = Math.ceil(length / 32) * 64
    heads[i] = word(offset)
    tails[i] =
      call.target.slice(2).toLowerCase().padStart(64, '0') +
      word(call.allowFailure === false ? 0 : 1) +
      word(0x60) +
      word(length) +
      data.padEnd(padded, '0')
    offset += 128 + padded / 2
  }
  return `${AGGREGATE3_SELECTOR}${word(0x20)}${word(n)}${heads.join('')}${tails.join('')}` as Hex
}

/** The results of `aggregate3` from its return data. */
export function decodeAggregate3(returnData: Hex): Call3Result[] {
  const hex = returnData.slice(2)
  const base = readNumber(hex, 0) * 2 // start of the array (the length word)
  const n = readNumber(hex, base)
  const contentStart = base + 64
  const results: Call3Result[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const tupleStart = contentStart + readNumber(hex, contentStart + i * 64) * 2
    const success = readNumber(hex, tupleStart) === 1
    const dataStart = tupleStart + readNumber(hex, tupleStart + 64) * 2
    const length = readNumber(hex, dataStart)
    results[i] = { success, returnData: `0x${hex.slice(dataStart + 64, dataStart + 64 + length * 2)}` }
  }
  return results
}

/** A 32-byte word (hex, no 0x) of a small non-negative integer. */
function word(value: number): string {
  return value.toString(16).padStart(64, '0')
}

function readNumber(hex: string, at: number): number {
  return Number.parseInt(hex.slice(at, at + 64), 16)
}

/** Word `index` of ABI-encoded static data as a signed integer (two's complement int256). */
export function readInt256(data: Hex, index = 0): bigint {
  const value = readUint256(data, index)
  return value >= 1n << 255n ? value - (1n << 256n) : value
}

/** Word `index` of ABI-encoded static data as an unsigned integer. */
export function readUint256(data: Hex, index = 0): bigint {
  const start = 2 + index * 64
  if (data.length < start + 64)
    throw new RangeError(`return data too short for word ${index}: ${data.length}`)
  return BigInt(`0x${data.slice(start, start + 64)}`)
}

/** Calldata of a function whose arguments are all static words (addresses and integers). */
export function encodeStaticCall(selector: Hex, args: readonly (Address | bigint | number | boolean)[]): Hex {
  let out = selector as string
  for (const arg of args) {
    if (typeof arg === 'string') out += arg.slice(2).toLowerCase().padStart(64, '0')
    else if (typeof arg === 'boolean') out += arg ? word(1) : word(0)
    else {
      const value = BigInt(arg)
      out += (value < 0n ? (1n << 256n) + value : value).toString(16).padStart(64, '0')
    }
  }
  return out as Hex
}
