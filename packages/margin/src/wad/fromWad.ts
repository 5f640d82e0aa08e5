const WAD = 10n ** 18n

/**
 * An 18-decimal integer as the nearest double (correctly rounded: the decimal text is parsed once).
 *
 * @example fromWad(1500000000000000000n) // 1.5
 */
export function fromWad(x: bigint): number {
  const negative = x < 0n
  const magnitude = negative ? -x : x
  const fraction = (magnitude % WAD).toString().padStart(18, '0')
  return Number(`${negative ? '-' : ''}${magnitude / WAD}.${fraction}`)
}
