import { Command } from 'commander'
import { waitForShutdown } from '../waitForShutdown.js'

const HELP = `
Settings (JSON file; every field optional but "deployment"; defaults in brackets):
  { "deployment": "deployment.json",        chains, RPC URLs, contracts (written by xmargin devnet / deployXmargin)
    "redis": { "url": "redis://127.0.0.1:6379", "prefix": "xmargin" },    shared by every relay node and keeper
    "http": { "host": "127.0.0.1", "port": 0 },                            the API, /healthz, /readyz, /metrics
    "log": { "level": "info" },
    "node": { "id": "relay-<signer>", "heartbeatMs": 1000, "livenessTtlMs": 5000, "leaderLeaseMs": 5000 },
    "attestation": { "lifetimeS": 120, "heartbeatS": 60, "heartbeatsPerSecond": 50, "refreshLiquidatableS": 60,
                     "refreshMove": 0.02, "quorumTimeoutMs": 5000, "anchorWaitMs": 3000, "relTolerance": 0.02,
                     "absToleranceUsd": 1 },
    "permits": { "ttlS": 300, "graceS": 60, "sweepMs": 1000 },
    "bands": { "healthy": 1.5, "warning": 1.2 },     healthy ≥ 1.5 > warning ≥ 1.2 > danger ≥ 1 > liquidatable
    "liquidation": { "bufferRatio": 0.1, "startDiscount": 0.01, "maxDiscount": 0.05, "auctionDurationS": 600 },
    "margin": { ...XPM-1 parameters, in part },    [DESIGN §3 defaults]; their hash goes into every attestation
    "portfolio": { "haircuts": { "USDC": 0, "WETH": 0.1, "WBTC": 0.08 }, "defaultHaircut": 0.25,
                   "chainPenalty": 0.02, "chainPenalties": {}, "homeChainId": <first chain>,
                   "pollIntervalMs": 250, "maxLagBlocks": 5 },
    "signerSet": { "epoch", "signers", "threshold" }   [read from the RiskGuard of the first chain]
  }

Environment (overrides the file):
  XMARGIN_SIGNER_KEY   this node's signing key (0x + 64 hex). Required; never put it in the file.
  XMARGIN_NODE_ID, XMARGIN_DEPLOYMENT, REDIS_URL, XMARGIN_REDIS_PREFIX, XMARGIN_LOG_LEVEL,
  XMARGIN_HTTP_HOST, XMARGIN_HTTP_PORT, XMARGIN_ATTESTATION_LIFETIME_S, XMARGIN_HEARTBEAT_S,
  XMARGIN_PERMIT_TTL_S

Several nodes, each with its own key and node id, share one Redis: one leads (proposes attestations),
all check and sign, any can serve the API. SIGTERM stops a node cleanly (readiness 503 first).

Example:
  XMARGIN_SIGNER_KEY=0x… xmargin relay --config relay.json`

/** `xmargin relay --config FILE`: one relay node until SIGTERM/SIGINT. */
export function relayCommand(): Command {
  return new Command('relay')
    .description(
      'Run a relay node: keep every account’s unified health current, sign attestations and margin permits with the other nodes, serve the integrator API.',
    )
    .requiredOption('--config <file>', 'the relay settings JSON file')
    .addHelpText('after', HELP)
    .action(async (options: { config: string }) => {
      // Listen before starting: a signal during start-up must still stop the node cleanly.
      const shutdown = waitForShutdown()
      // Loaded here, not at start-up: the relay's dependencies (fastify, BullMQ, the chain stack) would
      // slow every other command down.
      const { runRelay } = await import('@xmargin/relay')
      await runRelay({ configFile: options.config, shutdown })
      process.exitCode = 0
      // Everything is closed; a stray handle must not keep a stopped node alive.
      setTimeout(() => process.exit(0), 2_000).unref()
    })
}
