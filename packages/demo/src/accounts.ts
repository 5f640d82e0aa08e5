import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import type { Address, Hex } from 'viem'

type Key = { address: Address; privateKey: Hex }
const key = (index: number): Key => ANVIL_ACCOUNTS[index]!

/**
 * Who is who on the devnet: anvil's well-known test accounts (public keys, never for a real network).
 * The deployer is admin of every contract and the backstop (insurance fund); the market maker is also the
 * venue that settles trades.
 */
export const DEMO_ACCOUNTS = {
  deployer: key(0),
  /** Whitelisted on every SimpleMessageLib: the keepers' LayerZero DVN and executor key. */
  lzRelayer: key(1),
  marketMaker: key(2),
  /** Collateral on three chains, perpetuals on one, options on another: liquidated by the crash. */
  trader: key(3),
  /** Long on one chain, short on another: hedged, so the same crash must never liquidate it. */
  hedger: key(4),
  /** The relay nodes' signers (threshold 2 of 3). */
  relaySigners: [key(5), key(6), key(7)],
  /** One transaction signer per keeper process. */
  keepers: [key(8), key(9)],
} as const
