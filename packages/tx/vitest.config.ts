import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    dir: 'src',
    // Tests run real anvil chains and a real Redis; crash tests wait for leases to lapse.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
