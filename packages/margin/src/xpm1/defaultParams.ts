import type { Xpm1Params } from './paramsSchema.js'

/**
 * The default XPM-1 parameters, equal to `defaultParams` of test-vectors/xpm1-cases.json (a test holds
 * them equal): the Derive PM2 grid (±4.5/9/13.5 % × vol up/none/down, 0 × three vols, ±18 % vol up) plus
 * eight dampened vol-up tails, Derive/Deribit vol shocks, static discount, basis contingency, naked-short
 * and perpetual contingencies, and loss factors 1 (IM) and 0.8 (MM).
 */
export const DEFAULT_PARAMS: Xpm1Params = {
  scenarios: [
    { spotShock: 1.045, vol: 'up', dampening: 1 },
    { spotShock: 1.045, vol: 'none', dampening: 1 },
    { spotShock: 1.045, vol: 'down', dampening: 1 },
    { spotShock: 0.955, vol: 'up', dampening: 1 },
    { spotShock: 0.955, vol: 'none', dampening: 1 },
    { spotShock: 0.955, vol: 'down', dampening: 1 },
    { spotShock: 1.09, vol: 'up', dampening: 1 },
    { spotShock: 1.09, vol: 'none', dampening: 1 },
    { spotShock: 1.09, vol: 'down', dampening: 1 },
    { spotShock: 0.91, vol: 'up', dampening: 1 },
    { spotShock: 0.91, vol: 'none', dampening: 1 },
    { spotShock: 0.91, vol: 'down', dampening: 1 },
    { spotShock: 1.135, vol: 'up', dampening: 1 },
    { spotShock: 1.135, vol: 'none', dampening: 1 },
    { spotShock: 1.135, vol: 'down', dampening: 1 },
    { spotShock: 0.865, vol: 'up', dampening: 1 },
    { spotShock: 0.865, vol: 'none', dampening: 1 },
    { spotShock: 0.865, vol: 'down', dampening: 1 },
    { spotShock: 1, vol: 'up', dampening: 1 },
    { spotShock: 1, vol: 'none', dampening: 1 },
    { spotShock: 1, vol: 'down', dampening: 1 },
    { spotShock: 1.18, vol: 'up', dampening: 1 },
    { spotShock: 0.82, vol: 'up', dampening: 1 },
    { spotShock: 0.34, vol: 'up', dampening: 0.21 },
    { spotShock: 0.67, vol: 'up', dampening: 0.42 },
    { spotShock: 1.5, vol: 'up', dampening: 0.2772 },
    { spotShock: 2, vol: 'up', dampening: 0.1386 },
    { spotShock: 3, vol: 'up', dampening: 0.0693 },
    { spotShock: 4, vol: 'up', dampening: 0.0462 },
    { spotShock: 5, vol: 'up', dampening: 0.03465 },
    { spotShock: 6, vol: 'up', dampening: 0.02772 },
  ],
  volShock: {
    rangeUp: 0.5,
    rangeDown: 0.3,
    shortTermPower: 0.3,
    longTermPower: 0.13,
    dteFloorDays: 1,
    minVolUp: 0.4,
  },
  staticDiscount: {
    long: 0.95,
    short: 1.04,
    longRateMult: 1,
    longRateAdd: 0.08,
    shortRateMult: 0.5,
    shortRateAdd: 0.08,
  },
  basis: { spotUp: 1.045, spotDown: 0.955, addFactor: 0.5, multFactor: 2 },
  contingency: { mmOptionPct: 0.003, imOptionPct: 0.002, mmPerpPct: 0.03, imPerpPct: 0.01 },
  lossFactor: { im: 1.0, mm: 0.8 },
}
