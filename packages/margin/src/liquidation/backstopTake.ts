/**
 * What the backstop keeps of the penalty after paying the keeper: penalty − reward (negative when
 * the backstop pays the keeper the difference up to the cost floor).
 *
 * @example backstopTake(1920, 960) // 960
 */
export function backstopTake(penalty: number, reward: number): number {
  return penalty - reward
}
