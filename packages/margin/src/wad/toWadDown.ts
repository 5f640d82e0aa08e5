import { exactWad } from './exactWad.js'

/**
 * A USD float as an 18-decimal integer, rounded toward −∞, exactly (no intermediate rounding): the
 * direction for equity and collateral values, which must never be overstated.
 *
 * @example toWadDown(0.1) // 100000000000000005n (the double 0.1 is 0.10000000000000000555…)
 * @example toWadDown(-0.1) // -100000000000000006n
 */
export function toWadDown(x: number): bigint {
  return exactWad(x, 'down')
}
