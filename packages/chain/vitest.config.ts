import { defineConfig } from 'vitest/config'

// Tests here start anvil chains and talk to Redis: on a loaded 2-core CI machine (turbo runs other
// packages' suites alongside) vitest's 5 s default is not enough for the slowest of them.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
