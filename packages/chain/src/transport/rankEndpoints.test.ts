import { expect, test } from 'vitest'
import { rankEndpoints, scoreEndpoints } from './rankEndpoints.js'

test('default: stability first, then latency', () => {
  const fastFlaky = [
    { ok: true, latencyMs: 10 },
    { ok: false, latencyMs: 10 },
  ]
  const slowSteady = [
    { ok: true, latencyMs: 100 },
    { ok: true, latencyMs: 100 },
  ]
  expect(rankEndpoints([fastFlaky, slowSteady])).toEqual([1, 0])
  expect(scoreEndpoints([fastFlaky, slowSteady])).toEqual([0.7 * 0.5 + 0.3 * 0.9, 0.7])
})

test('behavior: an endpoint that never succeeded scores 0; ties and unknowns keep configured order', () => {
  expect(scoreEndpoints([[{ ok: false, latencyMs: 1 }]])).toEqual([0])
  expect(rankEndpoints([[], []])).toEqual([0, 1])
  expect(rankEndpoints([[{ ok: false, latencyMs: 1 }], []])).toEqual([1, 0])
})
