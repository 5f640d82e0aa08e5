import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    globalSetup: ['./src/setup/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each end-to-end file runs a whole stack (three chains, three relay nodes, two keepers: eleven
    // processes); two at once on a small machine only make both slower.
    fileParallelism: false,
  },
})
