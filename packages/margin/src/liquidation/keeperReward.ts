import { backstopTake } from './backstopTake.js'
import { DEFAULT_LIQUIDATION_PARAMS, type LiquidationParams } from './liquidationParams.js'

export type KeeperRewardParameters = {
  /** The liquidation penalty in USD (liquidationPenalty). */
  penalty: number
  /** Gas price paid by the keeper, in wei. */
  gasPriceWei: bigint
  /** USD per unit of the chain's native token. */
  nativeUsd: number
}

export type KeeperReward = {
  /** min(maxRewardUsd, max(costFloor, rewardShare·penalty)). */
  reward: number
  /** minRewardUsd + gasPriceWei·gasOverhead·nativeUsd/1e18. */
  costFloor: number
  /** penalty − reward; negative when the backstop tops the keeper up to the cost floor. */
  backstopTake: number
}

/**
 * The keeper's reward for one liquidation and what is left to the backstop (the Liquidator uses the
 * same):
 *
 *   costFloor    = minRewardUsd + gasPriceWei·gasOverhead·nativeUsd/1e18
 *   reward       = min(maxRewardUsd, max(costFloor, rewardShare·penalty))
 *   backstopTake = penalty − reward
 *
 * The floor keeps small liquidations worth a keeper's gas; the cap bounds what a keeper can extract.
 *
 * @example keeperReward({ penalty: 1920, gasPriceWei: 2_000_000_000n, nativeUsd: 3500 }).reward // 960
 */
export function keeperReward(
  parameters: KeeperRewardParameters,
  params: Partial<
    Pick<LiquidationParams, 'rewardShare' | 'minRewardUsd' | 'maxRewardUsd' | 'gasOverhead'>
  > = {},
): KeeperReward {
  const { rewardShare, minRewardUsd, maxRewardUsd, gasOverhead } = {
    ...DEFAULT_LIQUIDATION_PARAMS,
    ...params,
  }
  const costFloor =
    minRewardUsd + (Number(parameters.gasPriceWei) * gasOverhead * parameters.nativeUsd) / 1e18
  const reward = Math.min(maxRewardUsd, Math.max(costFloor, rewardShare * parameters.penalty))
  return { reward, costFloor, backstopTake: backstopTake(parameters.penalty, reward) }
}
