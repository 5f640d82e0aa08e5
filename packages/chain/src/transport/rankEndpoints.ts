/** One observed outcome of a request or a ping to an endpoint. */
export type EndpointSample = { ok: boolean; latencyMs: number }

export type RankWeights = {
  /** Weight of the share of successful samples. Default 0.7. */
  stability: number
  /** Weight of the latency score. Default 0.3. */
  latency: number
}

export const DEFAULT_RANK_WEIGHTS: RankWeights = { stability: 0.7, latency: 0.3 }

/**
 * Scores endpoints from their recent samples and returns their indices best first; ties keep the
 * configured order, and an endpoint without samples counts as perfect (so it gets tried).
 *
 * `score = stability·(successes / samples) + latency·(1 − meanLatency / max meanLatency)`, and 0 when no
 * recent sample succeeded (the same formula as viem's `fallback({ rank })`, fed by live traffic too).
 *
 * @example rankEndpoints([[{ ok: false, latencyMs: 5 }], []]) // [1, 0]
 */
export function rankEndpoints(
  samples: readonly (readonly EndpointSample[])[],
  weights: RankWeights = DEFAULT_RANK_WEIGHTS,
): number[] {
  return scoreEndpoints(samples, weights)
    .map((score, index) => ({ score, index }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map(({ index }) => index)
}

/** The score of each endpoint (see `rankEndpoints`), in configured order. */
export function scoreEndpoints(
  samples: readonly (readonly EndpointSample[])[],
  weights: RankWeights = DEFAULT_RANK_WEIGHTS,
): number[] {
  const means = samples.map((list) =>
    list.length === 0 ? undefined : list.reduce((sum, sample) => sum + sample.latencyMs, 0) / list.length,
  )
  const maxMean = Math.max(0, ...means.map((mean) => mean ?? 0))
  return samples.map((list, i) => {
    if (list.length === 0) return weights.stability + weights.latency
    const stability = list.filter((sample) => sample.ok).length / list.length
    if (stability === 0) return 0
    const latency = maxMean > 0 ? 1 - (means[i] ?? 0) / maxMean : 1
    return weights.stability * stability + weights.latency * latency
  })
}
