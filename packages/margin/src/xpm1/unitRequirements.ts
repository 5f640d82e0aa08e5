import type { Xpm1Params } from './paramsSchema.js'

/**
 * Steps 6–8 of XPM-1 for one unit, from its scenario minimum, basis contingency and contract counts:
 *
 *   L    = min(basis, worst)
 *   mmC  = naked·spot·mmOptionPct + perps·spot·mmPerpPct
 *   imC  = naked·spot·imOptionPct + perps·spot·imPerpPct
 *   IM_u = −lossFactor.im·L + imC + mmC
 *   MM_u = −lossFactor.mm·L + mmC
 */
export function unitRequirements(
  worst: number,
  basis: number,
  nakedShortContracts: number,
  netPerpSize: number,
  spot: number,
  params: Xpm1Params,
): { loss: number; contingencyIm: number; contingencyMm: number; im: number; mm: number } {
  const { contingency, lossFactor } = params
  const loss = Math.min(basis, worst)
  const mmC =
    nakedShortContracts * spot * contingency.mmOptionPct + netPerpSize * spot * contingency.mmPerpPct
  const imC =
    nakedShortContracts * spot * contingency.imOptionPct + netPerpSize * spot * contingency.imPerpPct
  return {
    loss,
    contingencyIm: imC + mmC,
    contingencyMm: mmC,
    im: -lossFactor.im * loss + imC + mmC,
    mm: -lossFactor.mm * loss + mmC,
  }
}
