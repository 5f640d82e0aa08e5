import { fromWad } from '@xmargin/margin'

const WAD = 10n ** 18n
/** Seconds per year of XPM-1's time to expiry: T = (expiry − asOf) / 31 536 000. */
export const SECONDS_PER_YEAR = 31_536_000

/** A token amount with `decimals` decimals as a number of tokens. */
export function tokensToNumber(units: bigint, decimals: number): number {
  return fromWad(decimals <= 18 ? units * 10n ** BigInt(18 - decimals) : units / 10n ** BigInt(decimals - 18))
}

/** `a·b` of two wads, as a wad (truncated toward zero). */
export function wadMul(a: bigint, b: bigint): bigint {
  return (a * b) / WAD
}

export { fromWad }
