import { existsSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * Path of a compiled test script under `dist/_test/` (child processes run the build, as the CLI tests
 * do). Fails with a clear message when the build is missing or older than its source.
 */
export function builtScript(name: string): string {
  const source = fileURLToPath(new URL(`./${name}.ts`, import.meta.url))
  const built = fileURLToPath(new URL(`../../dist/_test/${name}.js`, import.meta.url))
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs)
    throw new Error(`${built} is missing or stale: run \`npx tsc -b\` in the package first`)
  return built
}
