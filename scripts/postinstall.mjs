// Forge must see the hoisted node_modules through exactly one path. contracts/node_modules would be
// managed (and pruned) by npm as the workspace's own folder, so the link is contracts/lib.
import { existsSync, lstatSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const link = join(root, 'contracts', 'lib')
if (!existsSync(link) && !isDanglingLink(link)) symlinkSync('../node_modules', link, 'dir')

function isDanglingLink(path) {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}
