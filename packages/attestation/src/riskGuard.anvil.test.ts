import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deployXmargin, riskGuardAbi } from '@xmargin/contracts'
import { ANVIL_ACCOUNTS, type Devnet, startDevnet } from '@xmargin/devnet'
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  keccak256,
  stringToHex,
} from 'viem'
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { xmarginDigest } from './digest.js'
import { xmarginDomain } from './domain.js'
import { SignaturesUnsortedError } from './errors.js'
import { packSignatures } from './packSignatures.js'
import { applyRotation, signerSetUpdate } from './rotation.js'
import { signXmargin } from './sign.js'
import { typeHash } from './typeHash.js'
import type { AccountHealth, MarginPermit, SignerSet } from './types.js'
import { type SignerSets, verifyQuorum } from './verifyQuorum.js'

// The TypeScript side and RiskGuard on anvil agree on types, digests, ordering and rotation.
// Anvil's public test keys: 0 deploys, 4..6 are the first signer set, 7..8 the next.
const keyOf = (i: number) => ANVIL_ACCOUNTS[i]!.privateKey
const sorted = (accounts: LocalAccount[]) =>
  accounts.sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))
const first = sorted([4, 5, 6].map((i) => privateKeyToAccount(keyOf(i))))
const next = sorted([7, 8].map((i) => privateKeyToAccount(keyOf(i))))
let devnet: Devnet
let dir: string
let riskGuard: Address
let client: ReturnType<typeof createPublicClient>
let wallet: ReturnType<typeof createWalletClient>
let chainId: number

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xmargin-attestation-'))
  // On a busy machine a deployment transaction is now and then never mined (deployXmargin would wait
  // 180 s for its receipt): each attempt gets 30 s, three attempts.
  for (let attempt = 1; ; attempt++) {
    try {
      devnet = await startDevnet({
        chains: 1,
        deploymentPath: join(dir, 'deployment.json'),
        setup: ({ deployment }) =>
          Promise.race([
            deployXmargin({
              chains: deployment.chains.map((c) => ({
                chainId: c.chainId,
                rpcUrl: c.rpcUrls[0]!,
                lzEid: c.lzEid,
                name: c.name,
                multicall3: c.contracts.multicall3,
              })),
              deployerKey: keyOf(0),
              signers: { addresses: first.map((s) => s.address), threshold: 2 },
            }),
            new Promise<never>((_, reject) =>
              setTimeout(() => reject(new Error('no deployment in 30 s')), 30_000).unref(),
            ),
          ]),
      })
      break
    } catch (error) {
      if (attempt >= 3) throw error
    }
  }
  const config = devnet.deployment.chains[0]!
  chainId = config.chainId
  riskGuard = config.contracts.riskGuard!
  const chain = defineChain({
    id: chainId,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrls[0]!] } },
  })
  client = createPublicClient({ chain, transport: http(config.rpcUrls[0]) })
  wallet = createWalletClient({
    chain,
    account: privateKeyToAccount(keyOf(0)),
    transport: http(config.rpcUrls[0]),
  })
}, 120_000)

afterAll(async () => {
  await devnet?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const guard = () => ({ address: riskGuard, abi: riskGuardAbi }) as const
const read = <name extends string>(functionName: name, args: readonly unknown[] = []) =>
  client.readContract({ ...guard(), functionName, args } as never) as Promise<unknown>

async function health(sequence: bigint, epoch = 1n): Promise<AccountHealth> {
  const block = await client.getBlock()
  return {
    account: ANVIL_ACCOUNTS[2]!.address,
    sequence,
    epoch,
    equity: -1_250n * 10n ** 18n,
    initialMargin: 4_000n * 10n ** 18n,
    maintenanceMargin: 3_000n * 10n ** 18n,
    asOf: block.timestamp,
    expiry: block.timestamp + 60n,
    anchorBlock: block.number,
    anchorsDigest: keccak256(stringToHex('anchors')),
    paramsHash: (await read('paramsHash')) as `0x${string}`,
    marks: [{ instrumentId: 1, mark: 3_000n * 10n ** 18n, maxClose: 2n * 10n ** 18n }],
  }
}

async function sign<message extends AccountHealth | MarginPermit>(
  primaryType: message extends AccountHealth ? 'AccountHealth' : 'MarginPermit',
  message: message,
  signers: LocalAccount[],
) {
  const domain = xmarginDomain({ chainId, riskGuard })
  return Promise.all(
    signers.map(async (signer) => ({
      signer: signer.address,
      signature: await signXmargin(signer, domain, primaryType as 'AccountHealth', message as AccountHealth),
    })),
  )
}

function revertName(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined
}

test('default: type hashes and digests computed in TypeScript equal RiskGuard’s', async () => {
  expect(await read('ACCOUNT_HEALTH_TYPEHASH')).toBe(typeHash('AccountHealth'))
  expect(await read('MARGIN_PERMIT_TYPEHASH')).toBe(typeHash('MarginPermit'))
  expect(await read('SIGNER_SET_UPDATE_TYPEHASH')).toBe(typeHash('SignerSetUpdate'))
  const domain = xmarginDomain({ chainId, riskGuard })
  const message = await health(1n)
  expect(await read('hashAccountHealth', [message])).toBe(xmarginDigest(domain, 'AccountHealth', message))
  const permit: MarginPermit = {
    account: message.account,
    chainId: BigInt(chainId),
    action: 1,
    target: `0x${'0'.repeat(63)}1`,
    limit: 5n * 10n ** 18n,
    nonce: 42n,
    epoch: 1n,
    expiry: message.expiry,
  }
  expect(await read('hashMarginPermit', [permit])).toBe(xmarginDigest(domain, 'MarginPermit', permit))
})

test('behavior: signed in TypeScript by two of three, packed ascending, RiskGuard accepts; unsorted is refused on both sides', async () => {
  const message = await health(7n)
  const signatures = await sign('AccountHealth', message, [first[2]!, first[0]!])
  const packed = packSignatures(signatures, 2)
  const digest = xmarginDigest(xmarginDomain({ chainId, riskGuard }), 'AccountHealth', message)
  const sets: SignerSets = { current: { epoch: 1n, signers: first.map((s) => s.address), threshold: 2 } }
  expect(await verifyQuorum({ digest, signatures: packed, epoch: 1n, signerSets: sets, now: 0n })).toEqual([
    first[0]!.address,
    first[2]!.address,
  ])
  const hash = await wallet.writeContract({
    ...guard(),
    functionName: 'postHealth',
    args: [message, packed],
    chain: null,
    account: wallet.account!,
  })
  expect((await client.waitForTransactionReceipt({ hash })).status).toBe('success')
  expect(await read('lastSequence', [message.account])).toBe(7n)

  const later = await health(8n)
  const laterSigs = await sign('AccountHealth', later, [first[2]!, first[0]!])
  const unsorted = `0x${laterSigs[0]!.signature.slice(2)}${laterSigs[1]!.signature.slice(2)}` as `0x${string}`
  const laterDigest = xmarginDigest(xmarginDomain({ chainId, riskGuard }), 'AccountHealth', later)
  await expect(
    verifyQuorum({ digest: laterDigest, signatures: unsorted, epoch: 1n, signerSets: sets, now: 0n }),
  ).rejects.toBeInstanceOf(SignaturesUnsortedError)
  const onChain = await client
    .simulateContract({
      ...guard(),
      functionName: 'postHealth',
      args: [later, unsorted],
      account: wallet.account!,
    })
    .catch(revertName)
  expect(onChain).toBe('SignaturesUnsorted')
})

test('behavior: a rotation signed by the current set moves RiskGuard to the next epoch; the old set stays valid in its grace', async () => {
  const current: SignerSet = { epoch: 1n, signers: first.map((s) => s.address), threshold: 2 }
  const block = await client.getBlock()
  const update = signerSetUpdate(current, {
    signers: next.map((s) => s.address),
    threshold: 2,
    graceSeconds: 600n,
    expiry: block.timestamp + 300n,
  })
  const domain = xmarginDomain({ chainId, riskGuard })
  const signatures = await Promise.all(
    first.slice(0, 2).map(async (signer) => ({
      signer: signer.address,
      signature: await signXmargin(signer, domain, 'SignerSetUpdate', update),
    })),
  )
  expect(await read('hashSignerSetUpdate', [update])).toBe(xmarginDigest(domain, 'SignerSetUpdate', update))
  const hash = await wallet.writeContract({
    ...guard(),
    functionName: 'rotateSigners',
    args: [update, packSignatures(signatures, 2)],
    chain: null,
    account: wallet.account!,
  })
  const receipt = await client.waitForTransactionReceipt({ hash })
  expect(receipt.status).toBe('success')
  expect(await read('currentEpoch')).toBe(2n)
  const rotatedAt = (await client.getBlock({ blockNumber: receipt.blockNumber })).timestamp
  const sets = applyRotation({ current }, update, rotatedAt)
  expect(await read('previousEpochGraceDeadline')).toBe(sets.previous!.graceDeadline)

  // the new set signs epoch 2; the old one still signs epoch 1 until the grace deadline, on both sides
  for (const [epoch, signers] of [
    [2n, next],
    [1n, first.slice(0, 2)],
  ] as const) {
    const message = await health(epoch === 2n ? 20n : 21n, epoch)
    const packed = packSignatures(await sign('AccountHealth', message, [...signers]), 2)
    const digest = xmarginDigest(domain, 'AccountHealth', message)
    expect(
      await verifyQuorum({ digest, signatures: packed, epoch, signerSets: sets, now: rotatedAt }),
    ).toHaveLength(2)
    const posted = await wallet.writeContract({
      ...guard(),
      functionName: 'postHealth',
      args: [message, packed],
      chain: null,
      account: wallet.account!,
    })
    expect((await client.waitForTransactionReceipt({ hash: posted })).status).toBe('success')
  }
})
