import { MarginInputError } from '../input/MarginInputError.js'

const WAD = 10n ** 18n

/**
 * x·10^18 rounded toward −∞ (`down`) or +∞ (`up`), exactly: a double is m·2^e with an integer m, so
 * x·10^18 = m·10^18·2^e is a rational number that bigint arithmetic rounds without any error.
 */
export function exactWad(x: number, direction: 'down' | 'up'): bigint {
  if (!Number.isFinite(x)) throw new MarginInputError(`Cannot convert ${x} to an 18-decimal amount`)
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const high = view.getUint32(0)
  const low = view.getUint32(4)
  const biasedExponent = (high >>> 20) & 0x7ff
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low)
  let exponent: number
  if (biasedExponent === 0) {
    exponent = -1074 // subnormal: no implicit leading bit
  } else {
    mantissa |= 1n << 52n
    exponent = biasedExponent - 1075
  }
  if (high >>> 31 === 1) mantissa = -mantissa
  if (exponent >= 0) return mantissa * WAD * (1n << BigInt(exponent))
  const numerator = mantissa * WAD
  const denominator = 1n << BigInt(-exponent)
  const quotient = numerator / denominator // truncates toward zero
  if (quotient * denominator === numerator) return quotient
  if (direction === 'down') return numerator < 0n ? quotient - 1n : quotient
  return numerator > 0n ? quotient + 1n : quotient
}
