import type { Hex, LocalAccount } from 'viem'
import { type XmarginDomain, type XmarginMessage, type XmarginPrimaryType, xmarginTypes } from './types.js'

/**
 * Signs an xmargin message with one key (a relay node's signer).
 *
 * @example const signature = await signXmargin(account, domain, 'AccountHealth', health)
 */
export async function signXmargin<primaryType extends XmarginPrimaryType>(
  signer: LocalAccount,
  domain: XmarginDomain,
  primaryType: primaryType,
  message: XmarginMessage<primaryType>,
): Promise<Hex> {
  return signer.signTypedData({ domain, types: xmarginTypes, primaryType, message } as never)
}
