import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, test } from 'vitest'
import { runMargin } from './margin.js'

/*
 * `xmargin margin`: the real binary (bin/xmargin.js imports dist/main.js, so `npx tsc -b packages/cli`
 * must have run) on the public XPM-1 vectors, and one message per kind of bad input.
 */

const bin = fileURLToPath(new URL('../../bin/xmargin.js', import.meta.url))
const built = fileURLToPath(new URL('../../dist/main.js', import.meta.url))
type Vector = {
  id: string
  input: Record<string, unknown>
  expected: {
    equity: number
    initialMargin: number
    maintenanceMargin: number
    units: { worstIndex: number }[]
  }
}
const vectors = (
  JSON.parse(
    readFileSync(new URL('../../../margin/test-vectors/xpm1-cases.json', import.meta.url), 'utf8'),
  ) as { cases: Vector[] }
).cases
const scratch = mkdtempSync(join(tmpdir(), 'xmargin-margin-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function xmargin(args: string[], stdin?: string) {
  if (!existsSync(built)) throw new Error('packages/cli is not built: run `npx tsc -b packages/cli` first')
  const result = spawnSync(process.execPath, [bin, ...args], {
    input: stdin,
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** The cross-chain vector's input with one field replaced (undefined removes it). */
function edited(path: (string | number)[], value: unknown): string {
  const input = structuredClone(vectors[2]!.input)
  let node = input as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  if (value === undefined) delete node[path[path.length - 1]!]
  else node[path[path.length - 1]!] = value
  return JSON.stringify(input)
}

function rejected(text: string): string {
  const result = runMargin(text)
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toBe('')
  expect(result.stderr).not.toMatch(/\d{3,}\.\d/) // never a margin figure
  return result.stderr.split('\n')[0]!
}

test('default', () => {
  const file = join(scratch, 'cross-chain.json')
  writeFileSync(file, JSON.stringify(vectors[2]!.input))
  const result = xmargin(['margin', '--input', file])
  expect(result.stderr).toBe('')
  expect(result.exitCode).toBe(0)
  const output = JSON.parse(result.stdout)
  const expected = vectors[2]!.expected
  expect(output.equity).toBeCloseTo(expected.equity, 6)
  expect(output.initialMargin).toBeCloseTo(expected.initialMargin, 6)
  expect(output.maintenanceMargin).toBeCloseTo(expected.maintenanceMargin, 6)
  expect(output.health).toBeCloseTo(expected.equity / expected.maintenanceMargin, 9)
  expect(output.units.map((u: { worstScenario: number }) => u.worstScenario)).toEqual(
    expected.units.map((u) => u.worstIndex),
  )
  expect(Object.keys(output.units[0])).toEqual([
    'underlying',
    'mtm',
    'worst',
    'worstScenario',
    'worstShock',
    'basis',
    'im',
    'mm',
  ])
})

test('behavior: reads standard input with --input -', () => {
  const result = xmargin(['margin', '--input', '-'], JSON.stringify(vectors[0]!.input))
  expect(result.exitCode).toBe(0)
  expect(JSON.parse(result.stdout).equity).toBeCloseTo(vectors[0]!.expected.equity, 6)
})

test('behavior: the binary rejects bad input with exit 1, the field named and nothing on stdout', () => {
  const result = xmargin(['margin', '--input', '-'], edited(['units', 0, 'spot'], -100_000))
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toBe('')
  expect(result.stderr).toMatchInlineSnapshot(`
    "error: Invalid margin input: units[0].spot: must be positive
    "
  `)
  const missing = xmargin(['margin', '--input', join(scratch, 'nope.json')])
  expect(missing.exitCode).toBe(1)
  expect(missing.stderr).toMatch(/^error: Cannot read --input .*nope\.json: ENOENT/)
})

test('behavior: a missing field', () => {
  expect(rejected(edited(['units', 1, 'expiries', 0, 'forward'], undefined))).toMatchInlineSnapshot(
    `"error: Invalid margin input: units[1].expiries[0].forward: is required"`,
  )
})

test('behavior: a wrong type', () => {
  expect(rejected(edited(['units', 0, 'options', 0, 'isCall'], 'false'))).toMatchInlineSnapshot(
    `"error: Invalid margin input: units[0].options[0].isCall: expected boolean, got string "false""`,
  )
})

test('behavior: a negative spot', () => {
  expect(rejected(edited(['units', 1, 'spot'], -3500))).toMatchInlineSnapshot(
    `"error: Invalid margin input: units[1].spot: must be positive"`,
  )
})

test('behavior: an expiry in the past', () => {
  expect(rejected(edited(['units', 0, 'expiries', 0, 'expiry'], 1767225000))).toMatchInlineSnapshot(
    `"error: Invalid margin input: units[0].expiries[0].expiry: must be after asOf (1767225600)"`,
  )
})

test('behavior: an unknown underlying in overrides', () => {
  expect(
    rejected(edited(['params', 'overrides'], { SOL: { lossFactor: { mm: 0.7 } } })),
  ).toMatchInlineSnapshot(`"error: Invalid margin input: params.overrides.SOL: no unit has underlying SOL"`)
})

test('behavior: text that is not JSON', () => {
  expect(rejected('{"asOf": 1767225600,')).toMatch(/^error: Invalid margin input: input is not valid JSON \(/)
})

test('behavior: --help describes the input and output', () => {
  const result = xmargin(['margin', '--help'])
  expect(result.exitCode).toBe(0)
  expect(result.stdout).toContain('--input <file>')
  expect(result.stdout).toContain('"units": [{ "underlying": "ETH", "spot": 3500,')
  expect(result.stdout).toContain('worstScenario')
})
