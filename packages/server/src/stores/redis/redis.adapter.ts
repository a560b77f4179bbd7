/**
 * node-oidc-provider adapter over Redis for every model except Client (production mode).
 * Implements the adapter contract (docs/README.md "adapter", lib/adapters/memory_adapter.js):
 * - Records live at `portcullis:oidc:<Model>:<id>` and expire with the provider's `expiresIn`;
 *   the payload is stored as the provider's JSON string, so it round-trips exactly.
 * - `findByUid` (sessions) and `findByUserCode` (device codes) go through index keys holding
 *   the record id, with the record's TTL.
 * - Tokens issued under a grant are listed in a per-grant sorted set, so `revokeByGrantId`
 *   deletes all of them, and the set, in one script. Sessions and grants are listed per
 *   account the same way, so they can be ended when an account's password changes, and grants
 *   per client, so deleting a client revokes them.
 * - `upsert` writes the record and its indexes in one MULTI: one round trip, and no other
 *   client sees a half-written record. Redis does not roll back a transaction, so any failed
 *   command in it fails the upsert: a token is never issued without its stored record.
 * - `consume` is one script that marks a record consumed only when it is not yet: of any
 *   number of concurrent redemptions exactly one wins. A loser is a replay and is treated like
 *   one, exactly as the PostgreSQL adapter does: the grant is revoked, the winner's tokens
 *   included, and `invalid_grant` is thrown (RFC 9700 §4.2.4, §4.14.2; SECURITY.md R5, R7).
 * - With `prefetch`, a token or code is read together with its grant in one script, and the
 *   grant waits for the provider's Grant lookup that follows (grant-prefetch.ts).
 * - With `durable` (Redis behind Sentinel), consume, destroy and revoke of tokens, codes, grants
 *   and sessions go over its connection and wait for a replica (durable-writes.ts), so a
 *   failover cannot bring back what they used up or revoked; a consume checks for a replica
 *   first, so without one it fails before using anything up.
 * Storage failures are left as they are; guardAdapter turns them into 503s.
 */
import type { Redis } from 'ioredis';
import { errors } from 'oidc-provider';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { defineOidcScripts } from './redis.scripts.js';
import type { GrantPrefetch } from './grant-prefetch.js';
import type { DurableWrites } from './durable-writes.js';

export const REDIS_KEY_PREFIX = 'portcullis:oidc:';

/** Models whose records carry a grantId and die with their grant (as in the memory adapter). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);
/**
 * Models whose consume or deletion is single use or a revocation, so it must survive a failover
 * (durable-writes.ts); an Interaction or a SessionInfo coming back is harmless. A pushed
 * authorization request's request_uri is single use too (RFC 9126 §4, oidc/par.ts).
 */
const DURABLE = new Set([...GRANTABLE, 'Grant', 'Session', 'PushedAuthorizationRequest']);
/** Models listed per account (payload `accountId`). */
const BY_ACCOUNT = new Set(['Session', 'Grant']);
/** Models listed per client (payload `clientId`). */
const BY_CLIENT = new Set(['Grant']);

export const redisKeys = {
  record: (model: string, id: string) => `${REDIS_KEY_PREFIX}${model}:${id}`,
  // Lower-case segments cannot clash with a model name (PascalCase) followed by an id.
  uid: (model: string, uid: string) => `${REDIS_KEY_PREFIX}index:${model}:uid:${uid}`,
  userCode: (model: string, userCode: string) => `${REDIS_KEY_PREFIX}index:${model}:userCode:${userCode}`,
  grant: (grantId: string) => `${REDIS_KEY_PREFIX}grant:${grantId}`,
  account: (model: string, accountId: string) => `${REDIS_KEY_PREFIX}account:${model}:${accountId}`,
  client: (model: string, clientId: string) => `${REDIS_KEY_PREFIX}client:${model}:${clientId}`,
};

/** What a Grant's record key starts with (FIND_WITH_GRANT appends the grant id). */
const GRANT_RECORD_PREFIX = redisKeys.record('Grant', '');

/** Ids of the live sessions or grants of one account (the Redis twin of the PostgreSQL query). */
export async function listIdsByAccount(redis: Redis, model: 'Session' | 'Grant', accountId: string, now = new Date()): Promise<string[]> {
  return redis.zrangebyscore(redisKeys.account(model, accountId), `(${now.getTime()}`, '+inf');
}

/**
 * Ids of the live grants of one client. Grants saved before this index existed are not in it;
 * their tokens are refused all the same once the client is gone (no client can authenticate
 * for them, and introspection answers `active: false`).
 */
export async function listGrantIdsByClient(redis: Redis, clientId: string, now = new Date()): Promise<string[]> {
  return redis.zrangebyscore(redisKeys.client('Grant', clientId), `(${now.getTime()}`, '+inf');
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A stored payload with its `consumed` mark, as the provider expects it back. */
function decode(payload: string, consumed: string | null | undefined): AdapterPayload {
  const parsed = JSON.parse(payload) as AdapterPayload;
  return consumed ? { ...parsed, consumed: Number(consumed) } : parsed;
}

/**
 * `prefetch`: tokens and codes are read together with their grant, which waits there for the
 * provider's Grant lookup that follows in the same request (grant-prefetch.ts).
 */
export function createRedisAdapterClass(redis: Redis, options: { clock?: () => Date; prefetch?: GrantPrefetch; durable?: DurableWrites } = {}) {
  const clock = options.clock ?? (() => new Date());
  const { prefetch, durable } = options;
  defineOidcScripts(redis);
  if (durable) defineOidcScripts(durable.client);
  /** Where a model's consume and deletions go, and what confirms them. */
  const none = () => Promise.resolve();
  const writerFor = (model: string): { writer: Redis; ready: () => Promise<void>; replicated: () => Promise<void> } =>
    durable && DURABLE.has(model) ? { writer: durable.client, ready: durable.ready, replicated: durable.replicated } : { writer: redis, ready: none, replicated: none };

  return class RedisAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = redisKeys.record(this.model, id);
      const ttlMs = expiresIn ? expiresIn * 1000 : undefined;
      const uid = this.model === 'Session' ? text(payload.uid) : undefined;
      const userCode = text(payload.userCode);
      const grantId = GRANTABLE.has(this.model) ? text(payload.grantId) : undefined;
      const accountId = BY_ACCOUNT.has(this.model) ? text(payload.accountId) : undefined;
      const clientId = BY_CLIENT.has(this.model) ? text(payload.clientId) : undefined;
      const indexes = {
        ...(uid && { uidKey: redisKeys.uid(this.model, uid) }),
        ...(userCode && { userCodeKey: redisKeys.userCode(this.model, userCode) }),
        ...(grantId && { grantKey: redisKeys.grant(grantId) }),
        ...(accountId && { accountKey: redisKeys.account(this.model, accountId) }),
        ...(clientId && { clientKey: redisKeys.client(this.model, clientId) }),
      };

      // Index entries of a previous version go first (a session can change accounts); a
      // `consumed` mark survives a re-save, as it does in the PostgreSQL adapter.
      const multi = redis.multi().oidcUnindex(key).hset(key, { payload: JSON.stringify(payload), ...indexes, ...(grantId && { grantId }) });
      if (ttlMs) multi.pexpire(key, ttlMs);
      else multi.persist(key);
      for (const indexKey of [indexes.uidKey, indexes.userCodeKey]) {
        if (!indexKey) continue;
        if (ttlMs) multi.set(indexKey, id, 'PX', ttlMs);
        else multi.set(indexKey, id);
      }
      if (indexes.grantKey) multi.oidcIndexAdd(indexes.grantKey, key, ttlMs ?? '');
      if (indexes.accountKey) multi.oidcIndexAdd(indexes.accountKey, id, ttlMs ?? '');
      if (indexes.clientKey) multi.oidcIndexAdd(indexes.clientKey, id, ttlMs ?? '');
      const results = await multi.exec();
      if (!results) throw new Error(`redis transaction for ${this.model} was aborted`);
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0]!;
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (prefetch && this.model === 'Grant') {
        const ahead = prefetch.take(id);
        if (ahead) return ahead;
      }
      if (prefetch && GRANTABLE.has(this.model)) {
        const [payload, consumed, grantId, grant, grantConsumed] = await redis.oidcFindWithGrant(redisKeys.record(this.model, id), GRANT_RECORD_PREFIX);
        if (!payload) return undefined;
        if (grantId && grant) prefetch.remember(grantId, decode(grant, grantConsumed));
        return decode(payload, consumed);
      }
      const [payload, consumed] = await redis.hmget(redisKeys.record(this.model, id), 'payload', 'consumed');
      return payload ? decode(payload, consumed) : undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(redisKeys.uid(this.model, uid));
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(redisKeys.userCode(this.model, userCode));
      return id ? this.find(id) : undefined;
    }

    async consume(id: string): Promise<void> {
      const { writer, ready, replicated } = writerFor(this.model);
      await ready();
      const won = await writer.oidcConsume(redisKeys.record(this.model, id), Math.floor(clock().getTime() / 1000));
      if (won === 1) return replicated();
      // Lost to another redemption of the same code or refresh token (or nothing to redeem):
      // a replay, so the whole grant goes, the winner's tokens included.
      // The payload alone: a find would also read the grant ahead, right before it is revoked.
      const stored = await redis.hget(redisKeys.record(this.model, id), 'payload');
      const grantId = stored ? text((JSON.parse(stored) as AdapterPayload).grantId) : undefined;
      if (grantId) {
        await this.revokeByGrantId(grantId);
        await new RedisAdapter('Grant').destroy(grantId);
      }
      throw new errors.InvalidGrant(`${this.model} already consumed`);
    }

    async destroy(id: string): Promise<void> {
      const { writer, replicated } = writerFor(this.model);
      await writer.oidcDestroy(redisKeys.record(this.model, id));
      await replicated();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const { writer, replicated } = writerFor('Grant');
      await writer.oidcRevoke(redisKeys.grant(grantId));
      await replicated();
    }
  };
}
