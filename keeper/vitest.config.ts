import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    dir: 'src',
    // Tests run three anvil chains, a real Redis and keeper processes; crash tests wait for leases to lapse.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Each anvil file starts its own chains and keepers; two at a time fit the 2-core machines.
    maxWorkers: 2,
  },
})
