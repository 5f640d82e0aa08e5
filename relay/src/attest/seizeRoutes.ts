import { toWadDown } from '@xmargin/margin'
import type { AccountRisk } from '../risk/createRiskBook.js'

/**
 * Where a liquidation on `chainId` may ask for more collateral: every other chain holding the account's
 * collateral or positive cash, as `{ dstEid, maxUsd }` (LayerZero endpoint id, wad USD at oracle price,
 * without haircut: what that chain's vault would seize), ascending by eid as the Liquidator requires. The
 * keeper trims the total to the shortfall it simulates (the Liquidator rejects routes above it).
 *
 * @example seizeRoutes(risk, 31337) // [{ dstEid: 40102, maxUsd: 7000000000000000000000n }]
 */
export function seizeRoutes(risk: AccountRisk, chainId: number): { dstEid: number; maxUsd: bigint }[] {
  const { input } = risk.portfolio
  const byChain = new Map<number, number>()
  for (const line of input.collateral ?? [])
    if (line.chainId !== chainId)
      byChain.set(line.chainId, (byChain.get(line.chainId) ?? 0) + line.amount * line.price)
  for (const chain of risk.portfolio.chains) {
    if (chain.chainId === chainId) continue
    for (const [address, balance] of chain.balances) {
      const asset = risk.market.assets.find(
        (a) => a.chainId === chain.chainId && a.address.toLowerCase() === address.toLowerCase(),
      )
      if (asset?.isSettlement && balance > 0n)
        byChain.set(chain.chainId, (byChain.get(chain.chainId) ?? 0) + Number(balance) / 10 ** asset.decimals)
    }
  }
  const routes: { dstEid: number; maxUsd: bigint }[] = []
  for (const [other, usd] of byChain) {
    const dstEid = risk.market.eids.get(other)
    if (dstEid === undefined || !(usd > 0)) continue
    routes.push({ dstEid, maxUsd: toWadDown(usd) })
  }
  return routes.sort((a, b) => a.dstEid - b.dstEid)
}
