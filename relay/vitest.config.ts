import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Multi-node and multi-chain tests start processes and wait for quorums: minutes, not seconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file starts its own chains and relay nodes; two at a time fit the 2-core machines.
    maxWorkers: 2,
  },
})
