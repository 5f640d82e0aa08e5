#!/usr/bin/env node
// Entry point installed as `xmargin`. The program itself is compiled to dist/ by `npm run build`.
import('../dist/main.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/cli/dist/main.js')) {
    console.error('xmargin is not built yet: run `npm run build` in the repository first.')
    process.exit(1)
  }
  throw error
})
