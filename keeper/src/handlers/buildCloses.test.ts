import { expect, test } from 'vitest'
import { buildCloses } from './buildCloses.js'

const marks = [
  { instrumentId: 3, maxClose: 5n },
  { instrumentId: 1, maxClose: 10n },
  { instrumentId: 2, maxClose: 0n },
]

test('default: the relay plan, moving each position toward zero, ascending by instrument', () => {
  expect(
    buildCloses({
      marks,
      positions: new Map([
        [1, 8n],
        [3, -4n],
      ]),
      planned: [
        { instrumentId: 3, size: 2n },
        { instrumentId: 1, size: 6n },
      ],
    }),
  ).toEqual([
    { instrumentId: 1, size: -6n },
    { instrumentId: 3, size: 2n },
  ])
})

test('behavior: clamped to maxClose and to the position; unmarked, zero and flat instruments left out', () => {
  const positions = new Map([
    [1, 8n],
    [2, 4n],
    [3, -20n],
    [9, 1n],
  ])
  expect(
    buildCloses({
      marks,
      positions,
      planned: [
        { instrumentId: 1, size: 50n }, // above the position (8): 8
        { instrumentId: 2, size: 1n }, // maxClose 0: nothing
        { instrumentId: 3, size: 9n }, // above maxClose (5): 5
        { instrumentId: 9, size: 1n }, // no mark: never
      ],
    }),
  ).toEqual([
    { instrumentId: 1, size: -8n },
    { instrumentId: 3, size: 5n },
  ])
  // Without a plan: as far as every maxClose allows.
  expect(buildCloses({ marks, positions })).toEqual([
    { instrumentId: 1, size: -8n },
    { instrumentId: 3, size: 5n },
  ])
  expect(buildCloses({ marks, positions: new Map() })).toEqual([])
})
