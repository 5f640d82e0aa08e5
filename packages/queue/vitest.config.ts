import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    dir: 'src',
    // Worker tests wait for locks to lapse and for a killed process's job to be picked up.
    testTimeout: 30_000,
  },
})
