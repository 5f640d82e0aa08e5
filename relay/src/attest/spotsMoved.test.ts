import { expect, test } from 'vitest'
import { spotsMoved } from './createAttestor.js'

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
