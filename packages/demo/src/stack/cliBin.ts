import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { XmarginError } from '@xmargin/errors'

/** The `xmargin` entry point of this repository (the demo runs relays and keepers as real processes). */
export function cliBin(): string {
  // dist/stack/cliBin.js → packages/cli/bin/xmargin.js
  const path = fileURLToPath(new URL('../../../cli/bin/xmargin.js', import.meta.url))
  if (!existsSync(path))
    throw new XmarginError(`The xmargin command line is missing at ${path}: run \`npm run build\``)
  return path
}
