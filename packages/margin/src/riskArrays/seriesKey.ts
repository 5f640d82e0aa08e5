/**
 * The lookup key of an option series in `UnitRiskArray.seriesIndex`.
 *
 * @example seriesKey(1769817600, 4000, true) // '1769817600:4000:C'
 */
export function seriesKey(expiry: number, strike: number, isCall: boolean): string {
  return `${expiry}:${strike}:${isCall ? 'C' : 'P'}`
}
