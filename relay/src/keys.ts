/**
 * Every Redis key the relay uses, under the deployment's prefix P (`redis.prefix`). Two hash tags keep
 * each Lua script inside one Redis Cluster slot:
 *
 *   {P:relay}:leader                 leader lease, value `<nodeId>|<fence>` (PX lease)
 *   {P:relay}:fence                  fencing counter (INCR on every new lease)
 *   {P:relay}:nodes                  ZSET nodeId → last heartbeat (unix ms)
 *   {P:relay}:node:<nodeId>          HASH signer, startedAtMs (PX liveness TTL × 10)
 *   {P:relay}:seq:<account>          last attestation sequence of the account
 *   {P:relay}:attested               HASH account → last attestation decision (band, sequence, state)
 *   {P:relay}:round:<account>:<seq>  JSON of one attestation round (every chain's signed health), 7 days
 *   {P:relay}:digest:<digest>        `<account>:<sequence>` of the round that holds the digest, 7 days
 *   {P:relay}:latest:<account>       HASH chainId → JSON of the latest queued attestation
 *   {P:relay}:events                 pub/sub channel: a round was queued (`<account>:<sequence>`)
 *   {P:permits}:res:<account>        HASH nonce → JSON reservation (cost, chain, release time, used block)
 *   {P:permits}:expiries             ZSET `<account>:<nonce>` → release time (unix ms), for the sweeper
 *   {P:permits}:nonce:<account>      last permit nonce of the account
 *   {P:permits}:req:<account>:<id>   nonce granted to a client requestId (idempotency), PX release time
 *   {P:permits}:permit:<account>:<n> JSON of the permit record (message, signatures, status), 1 day
 *
 * The quorum protocol keeps its own keys under {P:quorum} (see @xmargin/attestation) and the queues
 * under {P:<kind>-<chainId>} (see @xmargin/queue).
 */
export type RelayKeys = ReturnType<typeof relayKeys>

/** The key layout for one deployment prefix. Accounts appear lower-case in keys. */
export function relayKeys(prefix: string) {
  const relay = `{${prefix}:relay}`
  const permits = `{${prefix}:permits}`
  const a = (account: string) => account.toLowerCase()
  return {
    leader: `${relay}:leader`,
    fence: `${relay}:fence`,
    nodes: `${relay}:nodes`,
    node: (nodeId: string) => `${relay}:node:${nodeId}`,
    sequence: (account: string) => `${relay}:seq:${a(account)}`,
    attested: `${relay}:attested`,
    round: (account: string, sequence: bigint | string) => `${relay}:round:${a(account)}:${sequence}`,
    digest: (digest: string) => `${relay}:digest:${digest.toLowerCase()}`,
    latest: (account: string) => `${relay}:latest:${a(account)}`,
    events: `${relay}:events`,
    reservations: (account: string) => `${permits}:res:${a(account)}`,
    expiries: `${permits}:expiries`,
    nonce: (account: string) => `${permits}:nonce:${a(account)}`,
    request: (account: string, requestId: string) => `${permits}:req:${a(account)}:${requestId}`,
    permit: (account: string, nonce: bigint | string) => `${permits}:permit:${a(account)}:${nonce}`,
  }
}
