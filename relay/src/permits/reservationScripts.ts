/*
 * The permit reservations of every account live in one hash per account, `{P:permits}:res:<account>`
 * (nonce → JSON), plus a sorted set of release times for the sweeper. Every script touches only keys of
 * the `{P:permits}` hash tag, so each runs atomically in one Redis Cluster slot.
 *
 * Invariant (RESERVE): for every account, the costs (USD of IM headroom) of its reservations that still
 * count add up to at most the free margin (imSurplus) the reserving node computed when it added the last
 * one. A reservation counts until its release time (permit expiry + grace), except once the chain shows
 * the permit used at block B on chain C and the caller's own state includes block B of chain C: from
 * then on the portfolio carries the withdrawal or trade itself, so counting it again would be double.
 */

/**
 * KEYS[1] reservations hash, KEYS[2] expiries zset, KEYS[3] nonce counter, KEYS[4] requestId key.
 * ARGV[1] now ms, ARGV[2] requestId, ARGV[3] cost USD, ARGV[4] free margin USD, ARGV[5] chain id,
 * ARGV[6] release time ms, ARGV[7] JSON of the permit fields, ARGV[8] account (zset member prefix),
 * ARGV[9] JSON { "<chainId>": blockNumber } of the caller's anchors.
 * Returns { 'existing', nonce, json } | { 'refused', outstanding } | { 'reserved', nonce, json }.
 */
export const RESERVE = `
local existing = redis.call('GET', KEYS[4])
if existing then
  return { 'existing', existing, redis.call('HGET', KEYS[1], existing) or '' }
end
local now = tonumber(ARGV[1])
local anchors = cjson.decode(ARGV[9])
local outstanding = 0
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  local r = cjson.decode(entries[i + 1])
  if r.releaseAtMs > now then
    local seen = anchors[tostring(r.chainId)]
    if not r.usedBlock or not seen or seen < r.usedBlock then outstanding = outstanding + r.costUsd end
  end
end
local cost = tonumber(ARGV[3])
local free = tonumber(ARGV[4])
if outstanding + cost > free then return { 'refused', tostring(outstanding) } end
local last = tonumber(redis.call('GET', KEYS[3]) or '0')
local nonce = last + 1
if now > nonce then nonce = now end
local n = string.format('%d', nonce)
redis.call('SET', KEYS[3], n)
local r = cjson.decode(ARGV[7])
r.nonce = n
r.requestId = ARGV[2]
r.costUsd = cost
r.freeMarginUsd = free
r.outstandingUsd = outstanding + cost
r.chainId = tonumber(ARGV[5])
r.releaseAtMs = tonumber(ARGV[6])
r.reservedAtMs = now
local encoded = cjson.encode(r)
redis.call('HSET', KEYS[1], n, encoded)
local ttl = redis.call('PTTL', KEYS[1])
local keep = tonumber(ARGV[6]) - now + 60000
if ttl < keep then redis.call('PEXPIRE', KEYS[1], keep) end
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[8] .. ':' .. n)
redis.call('SET', KEYS[4], n, 'PX', keep)
return { 'reserved', n, encoded }
`

/**
 * Marks a reservation used at a block (the chain showed `PermitUsed`).
 * KEYS[1] reservations hash; ARGV[1] nonce, ARGV[2] block number. Returns 1 when it changed.
 */
export const MARK_USED = `
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return 0 end
local r = cjson.decode(entry)
if r.usedBlock then return 0 end
r.usedBlock = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(r))
return 1
`

/**
 * Drops reservations whose release time passed (safe on every node at once).
 * KEYS[1] expiries zset; ARGV[1] now ms, ARGV[2] batch size, ARGV[3] reservations key prefix
 * (`{P:permits}:res:`, same hash tag). Returns the dropped `<account>:<nonce>` members.
 */
export const SWEEP = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local account, nonce = string.match(member, '^(.*):(%d+)$')
  if account then redis.call('HDEL', ARGV[3] .. account, nonce) end
  redis.call('ZREM', KEYS[1], member)
end
return due
`

/**
 * Σ cost of an account's reservations that count for a caller at the given anchors (see RESERVE).
 * KEYS[1] reservations hash; ARGV[1] now ms, ARGV[2] anchors JSON. Returns the sum as a string.
 */
export const OUTSTANDING = `
local now = tonumber(ARGV[1])
local anchors = cjson.decode(ARGV[2])
local outstanding = 0
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  local r = cjson.decode(entries[i + 1])
  if r.releaseAtMs > now then
    local seen = anchors[tostring(r.chainId)]
    if not r.usedBlock or not seen or seen < r.usedBlock then outstanding = outstanding + r.costUsd end
  end
end
return tostring(outstanding)
`
