/** One instrument the attestation marks, with the plan's close limit (wad). */
export type MarkLimit = { instrumentId: number; maxClose: bigint }

/** The order's close: a signed size delta applied to the account, toward zero (`Liquidator.Close`). */
export type OrderClose = { instrumentId: number; size: bigint }

/**
 * The closes of a liquidation order, ascending by instrument as the Liquidator requires. From the job's
 * plan when it has one (absolute sizes), else as far as every mark's `maxClose` allows; each is clamped
 * to the attested `maxClose` and to the position, and moves it toward zero. Instruments without a
 * position (or without a mark) are left out.
 *
 * @example buildCloses({ marks: [{ instrumentId: 1, maxClose: 10n }], positions: new Map([[1, 4n]]) }) // [{ instrumentId: 1, size: -4n }]
 */
export function buildCloses(parameters: {
  marks: readonly MarkLimit[]
  positions: ReadonlyMap<number, bigint>
  /** The relay's plan (absolute sizes); absent: close up to `maxClose`. */
  planned?: ReadonlyArray<{ instrumentId: number; size: bigint }> | undefined
}): OrderClose[] {
  const { marks, positions, planned } = parameters
  const limits = new Map(marks.map((mark) => [mark.instrumentId, mark.maxClose]))
  const wanted = planned ?? marks.map((mark) => ({ instrumentId: mark.instrumentId, size: mark.maxClose }))
  const byInstrument = new Map<number, bigint>()
  for (const close of wanted) {
    const limit = limits.get(close.instrumentId)
    const position = positions.get(close.instrumentId) ?? 0n
    if (limit === undefined || position === 0n) continue
    const held = position < 0n ? -position : position
    let size = close.size < 0n ? -close.size : close.size
    if (size > limit) size = limit
    if (size > held) size = held
    if (size === 0n) continue
    byInstrument.set(close.instrumentId, position > 0n ? -size : size)
  }
  return [...byInstrument.entries()]
    .sort(([a], [b]) => a - b)
    .map(([instrumentId, size]) => ({ instrumentId, size }))
}
