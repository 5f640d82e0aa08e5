import { PermanentError, type XmarginErrorParameters } from '@xmargin/errors'

/**
 * Why an implied volatility could not be found:
 * - `noArbitrageBound`: the price is at or outside the no-arbitrage interval (intrinsic, D·F or D·K);
 * - `zeroVega`: the price does not move with vol at this precision (vega underflows), so vol is not
 *   identifiable;
 * - `noConvergence`: the iteration limit was reached.
 */
export type ImpliedVolFailure = 'noArbitrageBound' | 'zeroVega' | 'noConvergence'

/** No implied volatility matches the given price; `reason` says why. */
export class ImpliedVolError extends PermanentError {
  override name = 'ImpliedVolError'
  readonly reason: ImpliedVolFailure

  constructor(reason: ImpliedVolFailure, shortMessage: string, parameters: XmarginErrorParameters = {}) {
    super(shortMessage, parameters)
    this.reason = reason
  }
}
