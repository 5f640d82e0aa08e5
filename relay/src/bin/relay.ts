#!/usr/bin/env node
// `node relay/dist/bin/relay.js --config FILE`: the relay node without the rest of the CLI (tests spawn it;
// operators use `xmargin relay --config FILE`, which runs the same `runRelay`).
import { XmarginError } from '@xmargin/errors'
import { runRelay } from '../main.js'

const index = process.argv.indexOf('--config')
const configFile = index >= 0 ? process.argv[index + 1] : undefined
if (!configFile) {
  console.error('usage: relay --config FILE (XMARGIN_SIGNER_KEY in the environment)')
  process.exit(2)
}
try {
  await runRelay({ configFile })
  process.exitCode = 0
  setTimeout(() => process.exit(0), 2_000).unref()
} catch (error) {
  console.error(error instanceof XmarginError ? `error: ${error.message}` : error)
  process.exit(1)
}
