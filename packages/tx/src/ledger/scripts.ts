// Lua scripts of the lease and the nonce ledger. Each runs atomically in Redis, which is what makes
// "check the lease, then reserve or record" safe against a second process. Keys other than KEYS are
// built from the base `{<prefix>:tx:<chainId>}` inside the script (same hash slot, as BullMQ does).
// Lua numbers are doubles: nonces stay far below 2^53 and are formatted with %d.

const CLEAR_INTENT = `
local function clearIntent(base, signer, nonce, intentId)
  if intentId and intentId ~= '' then
    local key = base .. ':intent:' .. intentId
    if redis.call('GET', key) == signer .. '|' .. nonce then redis.call('DEL', key) end
  end
end
`

/**
 * KEYS: lease, fence. ARGV: holderId, ttlMs.
 * Takes the lease when free (a new fencing token from INCR) or extends it when this holder has it.
 * Returns { fence, value } or false when another holder has it.
 */
export const LEASE_ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current then
  local fence, holder = string.match(current, '^(%d+)|(.*)$')
  if holder == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return { tonumber(fence), current }
  end
  return false
end
local fence = redis.call('INCR', KEYS[2])
local value = string.format('%d', fence) .. '|' .. ARGV[1]
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return { fence, value }
`

/** KEYS: lease. ARGV: value, ttlMs. Compare-and-extend: 1 when still ours, else 0. */
export const LEASE_RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`

/** KEYS: lease. ARGV: value. Compare-and-delete: 1 when it was ours, else 0. */
export const LEASE_RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`

/**
 * KEYS: lease, next, free. ARGV: leaseValue, latest, pending.
 * Aligns the ledger with the chain: next = max(next, latest) (a fresh ledger starts at the node's
 * pending count, so transactions sent by other tools are never replaced); nonces below `latest` are
 * used and leave the free list; released nonces at the top are given back by lowering next.
 * Returns next, or -1 when the lease is not held.
 */
export const SYNC_NEXT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local latest = tonumber(ARGV[2])
local current = redis.call('GET', KEYS[2])
local nextNonce
if current then nextNonce = math.max(tonumber(current), latest) else nextNonce = math.max(latest, tonumber(ARGV[3])) end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2])
while nextNonce > latest and redis.call('ZSCORE', KEYS[3], string.format('%d', nextNonce - 1)) do
  redis.call('ZREM', KEYS[3], string.format('%d', nextNonce - 1))
  nextNonce = nextNonce - 1
end
redis.call('SET', KEYS[2], string.format('%d', nextNonce))
return nextNonce
`

/**
 * KEYS: lease. ARGV: base, signer, leaseValue, intentId, now, callJson, forcedNonce, kind.
 * Under the lease (the fence check: a holder whose lease lapsed reserves nothing), either returns the
 * record that already carries the intent, or takes a nonce (the forced one for a gap fill, else the
 * lowest released one, else next) and creates its record in state `reserved` with the fencing token.
 * Returns { 'reserved', nonce, fence } | { 'exists', '<signer>|<nonce>' } | { 'leaseLost' } |
 * { 'uninitialized' } | { 'taken' }.
 */
export const RESERVE = `
local base, signer, intentId = ARGV[1], ARGV[2], ARGV[4]
if redis.call('GET', KEYS[1]) ~= ARGV[3] then return { 'leaseLost' } end
local fence = string.match(ARGV[3], '^(%d+)|')
local intentKey = base .. ':intent:' .. intentId
if intentId ~= '' then
  local existing = redis.call('GET', intentKey)
  if existing then return { 'exists', existing } end
end
local nextKey = base .. ':next:' .. signer
local freeKey = base .. ':free:' .. signer
local current = redis.call('GET', nextKey)
if not current then return { 'uninitialized' } end
local nextNonce = tonumber(current)
local nonce
if ARGV[7] ~= '' then
  nonce = tonumber(ARGV[7])
  local state = redis.call('HGET', base .. ':tx:' .. signer .. ':' .. ARGV[7], 'state')
  if nonce >= nextNonce or (state and state ~= 'released' and state ~= 'dropped') then return { 'taken' } end
  redis.call('ZREM', freeKey, ARGV[7])
else
  local free = redis.call('ZRANGE', freeKey, 0, 0)
  if free[1] then
    nonce = tonumber(free[1])
    redis.call('ZREM', freeKey, free[1])
  else
    nonce = nextNonce
    redis.call('SET', nextKey, string.format('%d', nextNonce + 1))
  end
end
local n = string.format('%d', nonce)
local recordKey = base .. ':tx:' .. signer .. ':' .. n
redis.call('DEL', recordKey)
redis.call('HSET', recordKey, 'state', 'reserved', 'intent', intentId, 'kind', ARGV[8], 'fence', fence,
  'call', ARGV[6], 'attempts', '[]', 'n', '0', 'createdAt', ARGV[5], 'updatedAt', ARGV[5])
redis.call('ZADD', base .. ':live:' .. signer, n, n)
if intentId ~= '' then redis.call('SET', intentKey, signer .. '|' .. n) end
return { 'reserved', nonce, tonumber(fence) }
`

/**
 * KEYS: lease, record. ARGV: leaseValue, expectedCount, attemptsJson, now.
 * Records the signed attempts (all raw transactions ever signed for the nonce, newest last) before
 * any of them is sent: under the lease, while the record is reserved or broadcast, and only if nobody
 * added an attempt meanwhile. A raw transaction not recorded here is never sent.
 * Returns 'ok' | 'leaseLost' | 'conflict' | 'gone:<state>'.
 */
export const ATTACH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'leaseLost' end
local state, n = unpack(redis.call('HMGET', KEYS[2], 'state', 'n'))
if state ~= 'reserved' and state ~= 'broadcast' then return 'gone:' .. (state or 'none') end
if n ~= ARGV[2] then return 'conflict' end
redis.call('HSET', KEYS[2], 'attempts', ARGV[3], 'n', string.format('%d', tonumber(n) + 1), 'updatedAt', ARGV[4])
return 'ok'
`

/**
 * KEYS: record. ARGV: now.
 * The node accepted an attempt: reserved → broadcast (first time), or a later send of a broadcast one.
 * No lease needed: it records a fact. Returns the state before.
 */
export const MARK_BROADCAST = `
local state, first = unpack(redis.call('HMGET', KEYS[1], 'state', 'firstBroadcastAt'))
if state == 'reserved' or state == 'broadcast' then
  redis.call('HSET', KEYS[1], 'state', 'broadcast', 'lastBroadcastAt', ARGV[1], 'updatedAt', ARGV[1])
  if not first then redis.call('HSET', KEYS[1], 'firstBroadcastAt', ARGV[1]) end
end
return state or 'none'
`

/**
 * KEYS: record. ARGV: base, signer, nonce, hash, blockNumber, status, cancelled, now.
 * One of the attempts was mined: → mined, or → cancelled when it was the cancellation. A cancelled or
 * reverted intent had no effect, so its intent key is cleared and submitting it again sends anew.
 * No lease needed: it records a fact. Returns the new state, or 'already' when it was recorded before.
 */
export const MARK_MINED =
  CLEAR_INTENT +
  `
local state, intentId = unpack(redis.call('HMGET', KEYS[1], 'state', 'intent'))
if not state then return 'none' end
if state == 'final' or state == 'dropped' or state == 'released' then return state end
if state == 'mined' or state == 'cancelled' then return 'already' end
local next = 'mined'
if ARGV[7] == '1' then next = 'cancelled' end
redis.call('HSET', KEYS[1], 'state', next, 'minedHash', ARGV[4], 'minedBlock', ARGV[5], 'status', ARGV[6], 'updatedAt', ARGV[8])
if next == 'cancelled' or ARGV[6] == 'reverted' then clearIntent(ARGV[1], ARGV[2], ARGV[3], intentId) end
return next
`

/** KEYS: record. ARGV: now. A reorg took the mined attempt out: mined → broadcast. Returns the state before. */
export const MARK_UNMINED = `
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'mined' then
  redis.call('HSET', KEYS[1], 'state', 'broadcast', 'updatedAt', ARGV[1])
  redis.call('HDEL', KEYS[1], 'minedHash', 'minedBlock', 'status')
end
return state or 'none'
`

/**
 * KEYS: record, live. ARGV: base, signer, nonce, ttlMs, now.
 * Deep enough to stay: mined → final (a cancelled record keeps its state), out of the live set, and
 * record and intent expire after the retention time. Returns the state after.
 */
export const MARK_FINAL = `
local state, intentId = unpack(redis.call('HMGET', KEYS[1], 'state', 'intent'))
if state ~= 'mined' and state ~= 'cancelled' then return state or 'none' end
if state == 'mined' then state = 'final' end
redis.call('HSET', KEYS[1], 'state', state, 'finalAt', ARGV[5], 'updatedAt', ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if intentId and intentId ~= '' then
  local key = ARGV[1] .. ':intent:' .. intentId
  if redis.call('GET', key) == ARGV[2] .. '|' .. ARGV[3] then redis.call('PEXPIRE', key, ARGV[4]) end
end
return state
`

/**
 * KEYS: lease, record, live. ARGV: base, signer, nonce, leaseValue, reason, ttlMs, now.
 * Under the lease: the nonce went to a transaction this record does not hold (another tool, a lost
 * record) or the pool holds a foreign one. → dropped, out of the live set, intent cleared so the
 * intent can be sent again. Returns 'dropped' | 'leaseLost' | the state that prevented it.
 */
export const MARK_DROPPED =
  CLEAR_INTENT +
  `
if redis.call('GET', KEYS[1]) ~= ARGV[4] then return 'leaseLost' end
local state, intentId = unpack(redis.call('HMGET', KEYS[2], 'state', 'intent'))
if state ~= 'reserved' and state ~= 'broadcast' and state ~= 'mined' then return state or 'none' end
redis.call('HSET', KEYS[2], 'state', 'dropped', 'reason', ARGV[5], 'updatedAt', ARGV[7])
redis.call('ZREM', KEYS[3], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
clearIntent(ARGV[1], ARGV[2], ARGV[3], intentId)
return 'dropped'
`

/**
 * KEYS: record, live, next, free. ARGV: base, signer, nonce, fence, reason, ttlMs, now, refused.
 * Gives back a nonce whose record was reserved under `fence` and never signed (no attempt): nothing
 * with this nonce can exist, so it is safe without the lease (a stale fence means someone else
 * re-reserved the nonce: refused). With `refused` = '1' the record may hold attempts: the caller
 * just had its only attempt refused by the node (insufficient funds, invalid), so none was accepted.
 * The nonce goes to the free list, or lowers next when it is the top. Returns 'released' | 'refused'.
 */
export const RELEASE =
  CLEAR_INTENT +
  `
local state, n, fence, intentId = unpack(redis.call('HMGET', KEYS[1], 'state', 'n', 'fence', 'intent'))
if state ~= 'reserved' or fence ~= ARGV[4] or (n ~= '0' and ARGV[8] ~= '1') then return 'refused' end
redis.call('HSET', KEYS[1], 'state', 'released', 'reason', ARGV[5], 'updatedAt', ARGV[7])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
clearIntent(ARGV[1], ARGV[2], ARGV[3], intentId)
local nonce = tonumber(ARGV[3])
local nextNonce = tonumber(redis.call('GET', KEYS[3]))
if nextNonce and nonce == nextNonce - 1 then
  nextNonce = nonce
  while redis.call('ZSCORE', KEYS[4], string.format('%d', nextNonce - 1)) do
    redis.call('ZREM', KEYS[4], string.format('%d', nextNonce - 1))
    nextNonce = nextNonce - 1
  end
  redis.call('SET', KEYS[3], string.format('%d', nextNonce))
else
  redis.call('ZADD', KEYS[4], ARGV[3], ARGV[3])
end
return 'released'
`
