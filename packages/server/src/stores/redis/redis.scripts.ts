/**
 * The Lua scripts behind the Redis adapter. Each runs atomically inside Redis, which is what
 * makes single use (consume) and grant revocation race-free across instances.
 * - A record is a hash: `payload` (the provider's JSON, untouched), `consumed` (epoch seconds,
 *   once), and bookkeeping: the names of the index keys that point at it, and for tokens and
 *   codes the `grantId` they were issued under. Its id is the last segment of its key (ids are
 *   base64url, never holding `:`), so it is not stored again: every byte of a session counts
 *   against the 2 KB budget per signed-in session (docs/benchmarks.md).
 * - Keys touched but not declared in KEYS (index and member keys read from a record) are fine
 *   on a single Redis or a Sentinel pair; a Redis Cluster would need hash tags (not supported).
 */
import type { Redis, Result } from 'ioredis';

/**
 * Removes everything that points at one record: the uid/userCode index keys (when they still
 * point at it), its entry in its grant set, in its account set and in its client set, and the
 * bookkeeping fields.
 */
const UNINDEX_FUNCTION = `
local function unindex(key)
  local id = string.match(key, '[^:]+$')
  local meta = redis.call('HMGET', key, 'uidKey', 'userCodeKey', 'grantKey', 'accountKey', 'clientKey')
  for i = 1, 2 do
    if meta[i] and redis.call('GET', meta[i]) == id then redis.call('DEL', meta[i]) end
  end
  if meta[3] then redis.call('ZREM', meta[3], key) end
  if meta[4] then redis.call('ZREM', meta[4], id) end
  if meta[5] then redis.call('ZREM', meta[5], id) end
  -- 'id': records written by an earlier release kept their id in the hash too.
  redis.call('HDEL', key, 'uidKey', 'userCodeKey', 'grantKey', 'accountKey', 'clientKey', 'grantId', 'id')
end
`;

/**
 * KEYS[1] record. Marks it consumed only when it exists and is not consumed yet.
 * Returns 1 when this call won, 0 when it was already consumed, -1 when there is no record.
 */
const CONSUME = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('HSETNX', KEYS[1], 'consumed', ARGV[1])
`;

/** KEYS[1] record. Drops its index entries before an upsert writes the current ones. */
const UNINDEX = `${UNINDEX_FUNCTION}
unindex(KEYS[1])
return 1
`;

/** KEYS[1] record. Deletes it and every index entry pointing at it. */
const DESTROY = `${UNINDEX_FUNCTION}
unindex(KEYS[1])
return redis.call('DEL', KEYS[1])
`;

/** KEYS[1] grant set. Deletes every member record (and their index entries), then the set. */
const REVOKE = `${UNINDEX_FUNCTION}
for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  unindex(key)
  redis.call('DEL', key)
end
return redis.call('DEL', KEYS[1])
`;

/**
 * KEYS[1] an expiring set (a grant's record keys, an account's session or grant ids, a
 * client's grant ids),
 * ARGV[1] the member, ARGV[2] the member's TTL in ms ('' for none).
 * The set is a sorted set scored by each member's expiry (Redis clock, so no skew with the
 * member's own TTL). Members already expired are pruned first, so the set holds live members
 * only and cannot grow without bound. The set then expires with its longest-lived member
 * (plus a second of slack, so it never goes first): never shorter, and never long after.
 */
const INDEX_ADD = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
if ARGV[2] == '' then
  redis.call('ZADD', KEYS[1], '+inf', ARGV[1])
else
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] == 'inf' then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]) + 1000)
end
return 1
`;

/**
 * KEYS[1] a token or code record, ARGV[1] the key prefix of Grant records. Reads the record
 * and, when it names its grant, that grant too, in one round trip and one snapshot: the
 * provider asks for the grant right after the token on every token, introspection and
 * userinfo request. Returns {payload, consumed, grantId, grant payload, grant consumed}.
 */
const FIND_WITH_GRANT = `
local record = redis.call('HMGET', KEYS[1], 'payload', 'consumed', 'grantId')
if not record[1] or not record[3] then return record end
local grant = redis.call('HMGET', ARGV[1] .. record[3], 'payload', 'consumed')
return {record[1], record[2], record[3], grant[1], grant[2]}
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    oidcConsume(record: string, now: number): Result<number, Context>;
    oidcUnindex(record: string): Result<number, Context>;
    oidcDestroy(record: string): Result<number, Context>;
    oidcRevoke(grantSet: string): Result<number, Context>;
    oidcIndexAdd(set: string, member: string, ttlMs: number | ''): Result<number, Context>;
    oidcFindWithGrant(record: string, grantPrefix: string): Result<(string | null)[], Context>;
  }
}

type OidcCommands = Pick<Redis, 'oidcConsume' | 'oidcUnindex' | 'oidcDestroy' | 'oidcRevoke' | 'oidcIndexAdd' | 'oidcFindWithGrant'>;

/** Registers the scripts on a client once (ioredis sends EVALSHA, loading a script on NOSCRIPT). */
export function defineOidcScripts(redis: Redis): void {
  if (typeof (redis as Partial<OidcCommands>).oidcConsume === 'function') return;
  redis.defineCommand('oidcConsume', { numberOfKeys: 1, lua: CONSUME });
  redis.defineCommand('oidcUnindex', { numberOfKeys: 1, lua: UNINDEX });
  redis.defineCommand('oidcDestroy', { numberOfKeys: 1, lua: DESTROY });
  redis.defineCommand('oidcRevoke', { numberOfKeys: 1, lua: REVOKE });
  redis.defineCommand('oidcIndexAdd', { numberOfKeys: 1, lua: INDEX_ADD });
  redis.defineCommand('oidcFindWithGrant', { numberOfKeys: 1, lua: FIND_WITH_GRANT });
}
