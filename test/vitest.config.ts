import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    dir: 'src',
    globalSetup: ['./src/setup/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
