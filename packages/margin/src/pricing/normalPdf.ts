/** 1/√(2π) */
const INV_SQRT_2PI = 0.3989422804014327

/**
 * The standard normal density n(x) = e^(−x²/2)/√(2π).
 *
 * @example normalPdf(0) // 0.3989422804014327
 */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x)
}
