/** Collateral another chain could seize for the account (wad USD at that chain's oracle). */
export type RemoteCollateral = { dstEid: number; valueUsd: bigint }

/** `Liquidator.SeizeRoute`: ask the chain at `dstEid` to seize up to `maxUsd` (wad). */
export type SeizeRoute = { dstEid: number; maxUsd: bigint }

/**
 * Seize routes covering `shortfallUsd`: chains in ascending eid order (as the Liquidator requires), each
 * asked for at most what it holds, the total never above the shortfall (the Liquidator refuses more).
 *
 * @example planRoutes(500n, [{ dstEid: 40103, valueUsd: 300n }, { dstEid: 40102, valueUsd: 400n }]) // [{ 40102, 400n }, { 40103, 100n }]
 */
export function planRoutes(shortfallUsd: bigint, remotes: readonly RemoteCollateral[]): SeizeRoute[] {
  const routes: SeizeRoute[] = []
  let remaining = shortfallUsd
  for (const remote of [...remotes].sort((a, b) => a.dstEid - b.dstEid)) {
    if (remaining <= 0n) break
    if (remote.valueUsd <= 0n || routes.some((route) => route.dstEid === remote.dstEid)) continue
    const maxUsd = remote.valueUsd < remaining ? remote.valueUsd : remaining
    routes.push({ dstEid: remote.dstEid, maxUsd })
    remaining -= maxUsd
  }
  return routes
}
