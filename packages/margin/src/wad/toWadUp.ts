import { exactWad } from './exactWad.js'

/**
 * A USD float as an 18-decimal integer, rounded toward +∞, exactly: the direction for margin
 * requirements (IM, MM), which must never be understated.
 *
 * @example toWadUp(0.1) // 100000000000000006n (the double 0.1 is 0.10000000000000000555…)
 */
export function toWadUp(x: number): bigint {
  return exactWad(x, 'up')
}
