// A worker process for the stall test: it takes liquidation jobs, says so on stdout and never finishes,
// until the test SIGKILLs it. Run from the build: `node dist/_test/stallingWorker.js <redisUrl> <basePrefix>`.
import { createWorker } from '../createWorker.js'

const [redisUrl, basePrefix] = process.argv.slice(2)
if (!redisUrl || !basePrefix) throw new Error('usage: stallingWorker <redisUrl> <basePrefix>')

const worker = createWorker({
  kind: 'liquidate',
  chainId: 31337,
  connection: redisUrl,
  basePrefix,
  lockDurationMs: 1_000,
  stalledIntervalMs: 300,
  handler: async (_data, { jobId }) => {
    process.stdout.write(`active ${jobId}\n`)
    await new Promise(() => {}) // hang: the test kills us here
  },
})
await worker.waitUntilReady()
process.stdout.write('ready\n')
