import { expect, test } from 'vitest'
import { spotsMoved, spotsOf } from './createAttestor.js'

test('default: a move beyond the fraction on any underlying counts, one within it does not', () => {
  const then = { ETH: 3_000, BTC: 60_000 }
  expect(spotsMoved(then, { ETH: 3_050, BTC: 60_500 }, 0.02)).toBe(false)
  expect(spotsMoved(then, { ETH: 2_930, BTC: 60_000 }, 0.02)).toBe(true)
  expect(spotsMoved(then, { ETH: 3_000, BTC: 61_300 }, 0.02)).toBe(true)
})

test('behavior: no remembered spots, or a new underlying, counts as moved', () => {
  expect(spotsMoved(undefined, { ETH: 3_000 }, 0.02)).toBe(true)
  expect(spotsMoved({ ETH: 3_000 }, { ETH: 3_000, SOL: 150 }, 0.02)).toBe(true)
})

test('behavior: a perpetual whose mark moved counts, though the spot stood still (a chain followed later)', () => {
  const risk = {
    portfolio: {
      input: {
        units: [
          {
            underlying: 'ETH',
            spot: 2_640,
            perps: [
              { id: '31338:1', markPrice: 2_760, size: 20 },
              { id: '31339:1', markPrice: 2_640, size: -5 },
            ],
          },
        ],
      },
    },
  } as unknown as Parameters<typeof spotsOf>[0]
  const then = spotsOf(risk)
  expect(then).toEqual({ ETH: 2_640, 'mark:31338:1': 2_760, 'mark:31339:1': 2_640 })
  // The chain behind catches up: its mark falls to the spot, which did not move.
  expect(spotsMoved(then, { ...then, 'mark:31338:1': 2_640 }, 0.02)).toBe(true)
  expect(spotsMoved(then, { ...then, 'mark:31338:1': 2_750 }, 0.02)).toBe(false)
})
