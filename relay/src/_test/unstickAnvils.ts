/**
 * On a loaded machine anvil now and then leaves an automined transaction pending (a receipt wait then times
 * out after 180 s). Every second, each chain of `urls` (read live: add URLs as chains start) that has
 * pending transactions mines a block.
 */
export function unstickAnvils(urls: readonly string[]): { stop(): void } {
  const timer = setInterval(() => {
    for (const url of urls) void mineIfPending(url)
  }, 1_000)
  return { stop: () => clearInterval(timer) }
}

async function mineIfPending(url: string): Promise<void> {
  const call = async (method: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
    })
    return ((await response.json()) as { result?: { pending?: string } }).result
  }
  try {
    const status = await call('txpool_status')
    if (status && BigInt(status.pending ?? '0x0') > 0n) await call('evm_mine')
  } catch {
    // the chain is stopping
  }
}
