import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { DeploymentInput } from './deployment.js'
import { loadDeployment, writeDeployment } from './loadDeployment.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xmargin-config-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const multicall3 = '0xca11bde05977b3631167028862be2a173976ca11'
const valid = {
  version: 1,
  name: 'devnet',
  chains: [
    {
      chainId: 31337,
      name: 'a',
      rpcUrls: ['http://127.0.0.1:8545'],
      lzEid: 40101,
      contracts: { multicall3 },
    },
    {
      chainId: 31338,
      name: 'b',
      rpcUrls: ['http://127.0.0.1:8546'],
      lzEid: 40102,
      contracts: { multicall3 },
    },
  ],
} satisfies DeploymentInput

async function fileWith(name: string, value: unknown): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value))
  return path
}

test('default', async () => {
  const deployment = await loadDeployment(await fileWith('ok.json', valid))
  expect(
    deployment.chains.map((chain) => [chain.chainId, chain.confirmations, chain.contracts.multicall3]),
  ).toMatchInlineSnapshot(`
      [
        [
          31337,
          0,
          "0xcA11bde05977b3631167028862bE2a173976CA11",
        ],
        [
          31338,
          0,
          "0xcA11bde05977b3631167028862bE2a173976CA11",
        ],
      ]
    `)
})

test('behavior: a wrong field is rejected with a message naming the file and the field', async () => {
  const bad = structuredClone(valid) as { chains: Array<Record<string, unknown>> }
  bad.chains[1]!.rpcUrls = ['ftp://127.0.0.1:8546']
  const path = await fileWith('bad-url.json', bad)
  await expect(loadDeployment(path)).rejects.toThrow(
    `Invalid deployment file ${path}: chains[1].rpcUrls[0]: expected an http(s):// or ws(s):// URL`,
  )
})

test('behavior: a bad contract address names the contract', async () => {
  const bad = structuredClone(valid) as { chains: Array<{ contracts: Record<string, string> }> }
  bad.chains[0]!.contracts.riskGuard = '0x1234'
  const path = await fileWith('bad-address.json', bad)
  await expect(loadDeployment(path)).rejects.toThrow(
    `Invalid deployment file ${path}: chains[0].contracts.riskGuard: expected a 0x-prefixed 20-byte hex address`,
  )
})

test('behavior: missing multicall3, duplicate chain ids and unknown keys are each named', async () => {
  const noMulticall = structuredClone(valid) as { chains: Array<{ contracts: Record<string, string> }> }
  noMulticall.chains[0]!.contracts = {}
  await expect(loadDeployment(await fileWith('m.json', noMulticall))).rejects.toThrow(
    /chains\[0\]\.contracts\.multicall3: /,
  )

  const duplicate = structuredClone(valid)
  duplicate.chains[1]!.chainId = 31337
  await expect(loadDeployment(await fileWith('d.json', duplicate))).rejects.toThrow(
    /chains\[1\]\.chainId: duplicate chain id 31337 \(also chains\[0\]\)/,
  )

  const typo = { ...structuredClone(valid), chians: [] }
  await expect(loadDeployment(await fileWith('t.json', typo))).rejects.toThrow(
    /\(root\): Unrecognized key: "chians"/,
  )
})

test('behavior: unreadable and non-JSON files say so', async () => {
  await expect(loadDeployment(join(dir, 'missing.json'))).rejects.toThrow(
    `Cannot read deployment file ${join(dir, 'missing.json')}: no such file`,
  )
  const path = await fileWith('garbage.json', '{ nope')
  await expect(loadDeployment(path)).rejects.toThrow(`Invalid deployment file ${path}: not JSON`)
})

test('behavior: writeDeployment validates before writing and round-trips', async () => {
  const path = join(dir, 'written.json')
  await writeDeployment(path, valid)
  expect((await loadDeployment(path)).chains).toHaveLength(2)
  await expect(writeDeployment(path, { ...valid, version: 2 } as never)).rejects.toThrow(/version: /)
})
