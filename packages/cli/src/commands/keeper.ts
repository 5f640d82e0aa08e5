import { runKeeper } from '@xmargin/keeper'
import { Command } from 'commander'
import { waitForShutdown } from '../waitForShutdown.js'

const HELP = `
Settings (JSON file; every field optional but "deployment"; defaults in brackets):
  { "deployment": "deployment.json",        chains, RPC URLs, contracts (written by xmargin devnet / deployXmargin)
    "chains": [31337, 31338],               chains this process serves [every chain of the deployment]
    "redis": { "url": "redis://127.0.0.1:6379", "prefix": "xmargin" },   shared by the relay and every keeper
    "http": { "host": "127.0.0.1", "port": 0 },                           /healthz, /readyz, /metrics, /admin/queues
    "log": { "level": "info" },                                           JSON lines: chainId, account, jobId, txHash
    "workers": { "liquidateConcurrency": 16, "postAttestationConcurrency": 8, "lzDeliverConcurrency": 4,
                 "lockDurationMs": 20000, "stalledIntervalMs": 10000, "maxStalledCount": 5, "closeTimeoutMs": 20000 },
    "liquidation": { "confirmations": 1, "minProfitUsd": 0, "retryDelayMs": 15000, "flagWhenUnprofitable": true,
                     "gasLimitMultiplier": 1.5, "waitTimeoutMs": 120000 },
    "lz": { "enabled": true, "watch": true, "pollIntervalMs": 500, "leaseTtlMs": 10000, "executorOverheadGas": 150000,
            "confirmations": 1 },
    "tx": { "bumpAfterMs": 15000, "cancelAfterMs": 180000, "feeCapMultiplier": 3,
            "maxFeePerGasCap": "1000000000000", "leaseTtlMs": 15000, "leaseWaitMs": 10000, ... },   see @xmargin/tx
    "rpc": { "timeoutMs": 10000, "retryRounds": 2, "ratePerSecond": 200, "maxConcurrent": 16, ... },  see @xmargin/chain
    "dashboard": { "enabled": false },       bull-board at /admin/queues (also --dashboard)
    "metrics": { "balancePollMs": 5000 }
  }

Environment (overrides the file; keys and the token never go in the file):
  XMARGIN_KEEPER_KEYS        signer pool, comma-separated 0x private keys. Required.
  XMARGIN_LZ_RELAYER_KEY     the LayerZero relayer key whitelisted on each SimpleMessageLib (devnet: anvil
                             account 1). Without it this process delivers no packets.
  XMARGIN_BULLBOARD_TOKEN    bearer token of the dashboard (16+ characters); required with --dashboard.
  XMARGIN_BULLBOARD=true     same as --dashboard.
  XMARGIN_KEEPER_CHAINS      comma-separated chain ids to serve.
  XMARGIN_KEEPER_CONCURRENCY, XMARGIN_KEEPER_MIN_PROFIT_USD, XMARGIN_KEEPER_LZ=false,
  XMARGIN_DEPLOYMENT, REDIS_URL, XMARGIN_REDIS_PREFIX, XMARGIN_LOG_LEVEL, XMARGIN_HTTP_HOST, XMARGIN_HTTP_PORT

Several keepers share one Redis: give each its own signer keys (a signer is used by one process at a time,
through a Redis lease; a process holding none on a chain stands by). Job ids dedupe the work, so a job added
twice or raced by two keepers ends in one transaction. One process at a time watches each chain for
LayerZero packets (a lease); another takes over when it stops. An unprofitable liquidation is skipped (metric
keeper_liquidation_skipped_total{reason="unprofitable"}) and looked at again later, unless it is bad debt.
SIGTERM stops a keeper cleanly: readiness 503, running jobs finish (or move to another keeper), exit 0.

Examples:
  XMARGIN_KEEPER_KEYS=0x… xmargin keeper --config keeper.json
  XMARGIN_KEEPER_KEYS=0x… XMARGIN_LZ_RELAYER_KEY=0x… XMARGIN_BULLBOARD_TOKEN=… xmargin keeper --config keeper.json --dashboard`

/** `xmargin keeper --config FILE`: one keeper process until SIGTERM/SIGINT. */
export function keeperCommand(): Command {
  return new Command('keeper')
    .description(
      'Run a keeper: post attestations, liquidate unhealthy accounts on the chain that holds the risk, deliver LayerZero packets on the devnet.',
    )
    .requiredOption('--config <file>', 'the keeper settings JSON file')
    .option('--dashboard', 'serve the BullMQ dashboard at /admin/queues (needs XMARGIN_BULLBOARD_TOKEN)')
    .addHelpText('after', HELP)
    .action(async (options: { config: string; dashboard?: boolean }) => {
      // Listen before starting: a signal during start-up must still stop the keeper cleanly.
      await runKeeper({
        configFile: options.config,
        dashboard: options.dashboard,
        shutdown: waitForShutdown(),
      })
      process.exitCode = 0
      // Everything is closed; a stray handle must not keep a stopped keeper alive.
      setTimeout(() => process.exit(0), 2_000).unref()
    })
}
