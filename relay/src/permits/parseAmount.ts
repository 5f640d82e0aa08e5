/**
 * A decimal amount in whole units (`"1.5"`) as an integer with `decimals` decimals, exactly; undefined
 * when it has more fractional digits than `decimals`.
 *
 * @example parseAmount('1.5', 6) // 1500000n
 */
export function parseAmount(text: string, decimals: number): bigint | undefined {
  const [whole, fraction = ''] = text.split('.')
  if (fraction.length > decimals) return undefined
  return BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0')
}
