/** `$12,345.67` (or `-$…`). */
export function usd(value: number): string {
  const sign = value < 0 ? '-' : ''
  return `${sign}$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 })}`
}

/** `0xabcd…1234`. */
export function short(hex: string): string {
  return `${hex.slice(0, 8)}…${hex.slice(-4)}`
}

/** `1.23` or `∞` for a health without maintenance margin. */
export function healthFigure(health: number | null): string {
  return health === null ? '∞' : health.toFixed(2)
}

/** `412 ms` or `3.1 s`. */
export function duration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`
}
