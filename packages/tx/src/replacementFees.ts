/** EIP-1559 fee fields of one signed transaction, in wei. */
export type Fees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }

export type ReplacementFeeParameters = {
  /** `capMult`: a multiple of the current estimate, e.g. 3. */
  feeCapMultiplier: number
  /** `chainCap`: the absolute cap in wei. */
  maxFeePerGasCap: bigint
}

/**
 * Fees for a replacement of a pending transaction, per field:
 *
 *   new = max( min( max(old · 1.125, estimate), capMult · estimate, chainCap ), old · 1.10 + 1 )
 *
 * `old · 1.125` escalates; following the estimate catches up with a rising market; `capMult ·
 * estimate` and `chainCap` stop a runaway; `old · 1.10 + 1` is the least a node (geth: +10 % on both
 * fields) accepts as a replacement. When that least bump would exceed `chainCap` there is no
 * acceptable replacement within the cap: `undefined` (keep re-sending the current one).
 *
 * @example replacementFees({ maxFeePerGas: 100n, maxPriorityFeePerGas: 10n }, estimate, policy)
 */
export function replacementFees(
  old: Fees,
  estimate: Fees,
  parameters: ReplacementFeeParameters,
): Fees | undefined {
  const maxFeePerGas = bumpField(old.maxFeePerGas, estimate.maxFeePerGas, parameters)
  const maxPriorityFeePerGas = bumpField(old.maxPriorityFeePerGas, estimate.maxPriorityFeePerGas, parameters)
  if (maxFeePerGas === undefined || maxPriorityFeePerGas === undefined) return undefined
  // A tip above the fee cap is invalid; the cap already clears the tip's +10 % since old tip ≤ old cap.
  return { maxFeePerGas, maxPriorityFeePerGas: min(maxPriorityFeePerGas, maxFeePerGas) }
}

/** Fees for a first broadcast: the estimate, within the absolute cap. */
export function initialFees(
  estimate: Fees,
  parameters: Pick<ReplacementFeeParameters, 'maxFeePerGasCap'>,
): Fees {
  const maxFeePerGas = min(estimate.maxFeePerGas, parameters.maxFeePerGasCap)
  return { maxFeePerGas, maxPriorityFeePerGas: min(estimate.maxPriorityFeePerGas, maxFeePerGas) }
}

function bumpField(old: bigint, estimate: bigint, parameters: ReplacementFeeParameters): bigint | undefined {
  const { feeCapMultiplier, maxFeePerGasCap } = parameters
  const escalated = ceilDiv(old * 1_125n, 1_000n)
  const marketCap = (estimate * BigInt(Math.round(feeCapMultiplier * 1_000))) / 1_000n
  const nodeMinimum = ceilDiv(old * 110n, 100n) + 1n
  const next = max(min(min(max(escalated, estimate), marketCap), maxFeePerGasCap), nodeMinimum)
  return next > maxFeePerGasCap ? undefined : next
}

const min = (a: bigint, b: bigint) => (a < b ? a : b)
const max = (a: bigint, b: bigint) => (a > b ? a : b)
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b
