import { endpointV2Abi, simpleMessageLibAbi, xmarginErrorsAbi } from '@xmargin/contracts'
import type { Abi } from 'viem'

/** Every custom error a keeper transaction can revert with: xmargin's and LayerZero's (endpoint, library). */
export const keeperErrorsAbi: Abi = [
  ...xmarginErrorsAbi,
  ...endpointV2Abi.filter((item) => item.type === 'error'),
  ...simpleMessageLibAbi.filter(
    (item) => item.type === 'error' && !xmarginErrorsAbi.some((known) => known.name === item.name),
  ),
] as Abi
