// Runs the forge installed by `npm ci` (@foundry-rs/forge-linux-amd64) in contracts/, with the given
// arguments. `--profile <name>` selects a foundry.toml profile (FOUNDRY_PROFILE); in CI (`CI` set) tests
// run with the `ci` profile (more fuzz and invariant runs).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const contractsDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const forge = join(contractsDir, '..', 'node_modules', '.bin', 'forge')
if (!existsSync(forge)) {
  console.error(
    'forge is not installed: run `npm ci` at the repository root (it installs @foundry-rs/forge-linux-amd64).',
  )
  process.exit(1)
}

const args = process.argv.slice(2)
const env = { ...process.env, FOUNDRY_DISABLE_NIGHTLY_WARNING: '1' }
const profileAt = args.indexOf('--profile')
if (profileAt >= 0) {
  env.FOUNDRY_PROFILE = args[profileAt + 1]
  args.splice(profileAt, 2)
} else if (args[0] === 'test' && process.env.CI && !process.env.FOUNDRY_PROFILE) {
  env.FOUNDRY_PROFILE = 'ci'
}

const result = spawnSync(forge, args, { cwd: contractsDir, env, stdio: 'inherit' })
process.exit(result.status ?? 1)
