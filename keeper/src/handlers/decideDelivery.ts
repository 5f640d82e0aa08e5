import type { Hex } from 'viem'
import { zeroHash } from 'viem'

/** The destination endpoint's view of one packet's path, read at one block. */
export type DeliveryView = {
  nonce: bigint
  payloadHash: Hex
  /** `EndpointV2.inboundPayloadHash(receiver, srcEid, sender, nonce)`: zero when unverified or executed. */
  storedHash: Hex
  /** `EndpointV2.lazyInboundNonce(...)`: every nonce up to it was executed (or skipped). */
  lazyInboundNonce: bigint
  /** `EndpointV2.inboundNonce(...)`: the end of the gapless verified prefix. */
  inboundNonce: bigint
}

export type DeliveryStep =
  | { action: 'done'; reason: 'alreadyExecuted' }
  | { action: 'fail'; reason: 'payloadMismatch' }
  /** Verify it (DVN role): `SimpleMessageLib.validatePacket`. */
  | { action: 'verify' }
  /** Verified, but an earlier nonce is not: wait for it (never execute out of order). */
  | { action: 'wait'; reason: 'predecessorUnverified' }
  /** Execute it (executor role): `EndpointV2.lzReceive`. */
  | { action: 'execute' }

/**
 * The next step of a delivery, from the destination endpoint's state (a1: verification may happen out of
 * order, execution needs a gapless verified prefix, an executed payload's hash is cleared).
 *
 * | condition                                     | step                        |
 * |-----------------------------------------------|-----------------------------|
 * | stored hash = 0 and nonce ≤ lazyInboundNonce  | done alreadyExecuted        |
 * | stored hash ≠ 0 and ≠ the packet's            | fail payloadMismatch        |
 * | stored hash = 0                               | verify                      |
 * | inboundNonce < nonce                          | wait predecessorUnverified  |
 * | otherwise                                     | execute                     |
 *
 * @example decideDelivery({ nonce: 2n, payloadHash, storedHash: payloadHash, lazyInboundNonce: 0n, inboundNonce: 0n }) // wait
 */
export function decideDelivery(view: DeliveryView): DeliveryStep {
  const stored = view.storedHash.toLowerCase()
  if (stored === zeroHash && view.nonce <= view.lazyInboundNonce)
    return { action: 'done', reason: 'alreadyExecuted' }
  if (stored !== zeroHash && stored !== view.payloadHash.toLowerCase())
    return { action: 'fail', reason: 'payloadMismatch' }
  if (stored === zeroHash) return { action: 'verify' }
  if (view.inboundNonce < view.nonce) return { action: 'wait', reason: 'predecessorUnverified' }
  return { action: 'execute' }
}
