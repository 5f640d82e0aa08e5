// A keeper-like process for the crash tests: submits `act(id)` for each id through its own engine and
// reports on stdout, until the test SIGKILLs it. Run from the build:
//   node dist/_test/submitter.js '{"rpcUrl":…,"redisUrl":…,"prefix":…,"chainId":…,"target":…,"signer":0,"ids":[…]}'
import { ANVIL_ACCOUNTS } from '@xmargin/devnet'
import { Redis } from 'ioredis'
import { type Address, createClient, http, publicActions } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { createTxEngine } from '../engine/createTxEngine.js'
import type { TxPolicyInput } from '../policy.js'
import { actData } from './chain.js'

type Config = {
  rpcUrl: string
  redisUrl: string
  prefix: string
  chainId: number
  target: Address
  /** Index into anvil's accounts. */
  signer: number
  ids: number[]
  concurrency: number
  /** Wait for each receipt before taking the next id (per lane). */
  wait: boolean
  policy: TxPolicyInput
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config
const print = (line: string) => process.stdout.write(`${line}\n`)
const redis = new Redis(config.redisUrl)
const engine = createTxEngine({
  chainId: config.chainId,
  client: createClient({ transport: http(config.rpcUrl) }).extend(publicActions),
  signers: [privateKeyToAccount(ANVIL_ACCOUNTS[config.signer]!.privateKey)],
  redis,
  prefix: config.prefix,
  policy: config.policy,
})
await engine.start()
print('ready')

const queue = [...config.ids]
await Promise.all(
  Array.from({ length: config.concurrency }, async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        const tx = await engine.submit({
          intentId: `kill-${id}`,
          to: config.target,
          data: actData(BigInt(id)),
        })
        print(`broadcast kill-${id} ${tx.hash} ${tx.nonce}`)
        if (config.wait) {
          await tx.wait()
          print(`mined kill-${id}`)
        }
      } catch (error) {
        print(`error kill-${id} ${(error as Error).name}`)
      }
    }
  }),
)
print('done')
await engine.stop()
redis.disconnect()
