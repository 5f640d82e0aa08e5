import { deployMulticall3 } from '@xmargin/contracts'
import { type Anvil, spawnAnvil } from '@xmargin/devnet'
import { createClient, http } from 'viem'

/** One anvil with Multicall3, for tests that need a chain but not the xmargin contracts. */
export async function setupAnvil(chainId = 31337): Promise<{ anvil: Anvil; cleanup: () => Promise<void> }> {
  const anvil = await spawnAnvil({ chainId })
  try {
    await deployMulticall3(createClient({ transport: http(anvil.rpcUrl) }))
  } catch (error) {
    await anvil.process.stop()
    throw error
  }
  return { anvil, cleanup: () => anvil.process.stop() }
}
