/*
 * Test and benchmark helpers for the devnet: xmargin on local chains (through `deployXmargin`), seeded
 * deposits and trades. Never for a real network (mock tokens, open mints, anvil keys).
 */
export { DEPOSITS_PER_TRANSACTION, type SeedDepositsParameters, seedDeposits } from './seedDeposits.js'
export { type SettleTradeParameters, settleTrade } from './settleTrade.js'
export {
  type DevnetChain,
  setupXmarginDevnet,
  type XmarginChainContracts,
  type XmarginDevnet,
} from './setupXmarginDevnet.js'
