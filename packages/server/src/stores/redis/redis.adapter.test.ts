import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { errors } from 'oidc-provider';
import type { Adapter } from 'oidc-provider';
import { createLogger } from '../../observability/logger.js';
import { connectRedis, type RedisConnection } from './redis.client.js';
import { startRedisServer, type RedisServer } from '../../testing/redis-server.js';
import { UnavailableError } from '../unavailable.js';
import { guardAdapter } from '../guarded.adapter.js';
import { createRedisAdapterClass, listGrantIdsByClient, listIdsByAccount, redisKeys } from './redis.adapter.js';
import { createGrantPrefetch } from './grant-prefetch.js';

const logger = createLogger('error', { silent: true });

describe('Redis adapter', () => {
  let server: RedisServer;
  let connection: RedisConnection;
  let redis: Redis;
  let adapterFor: (model: string) => Adapter;
  const prefetch = createGrantPrefetch();
  /** Runs `task` as the provider's routes run: inside one request's context. */
  const inRequest = (task: () => Promise<void>) => prefetch.middleware({} as never, task) as Promise<void>;

  before(async () => {
    server = await startRedisServer();
    connection = await connectRedis(server.url, { timeoutMs: 2000, logger });
    redis = connection.client;
    // As in production: tokens are read together with their grant.
    const RedisAdapter = createRedisAdapterClass(redis, { prefetch });
    adapterFor = (model) => guardAdapter(new RedisAdapter(model));
  });
  after(async () => {
    await connection.close();
    await server.close();
  });

  /** A grant with an authorization code, an access token and a refresh token issued under it. */
  async function issueGrant(ttl = 600) {
    const grantId = randomUUID();
    const ids = { code: randomUUID(), at: randomUUID(), rt: randomUUID() };
    await adapterFor('Grant').upsert(grantId, { jti: grantId, kind: 'Grant', accountId: 'acc-1', clientId: 'c' }, ttl);
    await adapterFor('AuthorizationCode').upsert(ids.code, { jti: ids.code, kind: 'AuthorizationCode', grantId }, 60);
    await adapterFor('AccessToken').upsert(ids.at, { jti: ids.at, kind: 'AccessToken', grantId }, ttl);
    await adapterFor('RefreshToken').upsert(ids.rt, { jti: ids.rt, kind: 'RefreshToken', grantId }, ttl);
    return { grantId, ...ids };
  }

  async function grantIsGone(grant: Awaited<ReturnType<typeof issueGrant>>) {
    assert.equal(await adapterFor('AuthorizationCode').find(grant.code), undefined);
    assert.equal(await adapterFor('AccessToken').find(grant.at), undefined);
    assert.equal(await adapterFor('RefreshToken').find(grant.rt), undefined);
    assert.equal(await adapterFor('Grant').find(grant.grantId), undefined);
    assert.equal(await redis.exists(redisKeys.grant(grant.grantId)), 0);
  }

  it('round-trips payloads exactly, under a namespaced key with a TTL', async () => {
    const id = randomUUID();
    const payload = {
      jti: id,
      kind: 'AccessToken',
      scope: 'openid email',
      claims: { id_token: { email: null }, empty: {} },
      resources: [],
      amr: ['pwd', 'otp'],
      nested: { deep: [1, 2.5, -0.125, 1e21, true, false, null] },
      unicode: 'zoë 🚪 \u0000 NUL and "quotes"',
    };
    await adapterFor('AccessToken').upsert(id, payload, 900);
    assert.deepEqual(await adapterFor('AccessToken').find(id), payload);
    const ttl = await redis.pttl(`portcullis:oidc:AccessToken:${id}`);
    assert.ok(ttl > 899_000 && ttl <= 900_000, `TTL ${ttl}`);
    assert.equal(await adapterFor('AccessToken').find(randomUUID()), undefined);
    // Models do not see each other's records.
    assert.equal(await adapterFor('RefreshToken').find(id), undefined);
  });

  it('fails an upsert when any write in its transaction fails, instead of reporting success', async () => {
    const id = randomUUID();
    await redis.set(redisKeys.record('AccessToken', id), 'not a hash');
    await assert.rejects(adapterFor('AccessToken').upsert(id, { jti: id }, 60), /WRONGTYPE/);
  });

  it('lets records expire with expiresIn', async () => {
    const id = randomUUID();
    await adapterFor('Interaction').upsert(id, { jti: id, kind: 'Interaction' }, 1);
    assert.ok(await adapterFor('Interaction').find(id));
    await sleep(1100);
    assert.equal(await adapterFor('Interaction').find(id), undefined);
  });

  it('finds sessions by uid through an index key with the same TTL', async () => {
    const id = randomUUID();
    const uid = randomUUID();
    await adapterFor('Session').upsert(id, { jti: id, uid, kind: 'Session', accountId: 'acc-uid' }, 300);
    assert.equal((await adapterFor('Session').findByUid(uid))?.jti, id);
    assert.equal(await adapterFor('Session').findByUid(randomUUID()), undefined);
    const recordTtl = await redis.pttl(redisKeys.record('Session', id));
    const indexTtl = await redis.pttl(redisKeys.uid('Session', uid));
    assert.ok(Math.abs(recordTtl - indexTtl) < 50, `${recordTtl} vs ${indexTtl}`);
  });

  it('finds device codes by user code', async () => {
    const id = randomUUID();
    await adapterFor('DeviceCode').upsert(id, { jti: id, kind: 'DeviceCode', userCode: 'ABCD-EFGH' }, 300);
    assert.equal((await adapterFor('DeviceCode').findByUserCode('ABCD-EFGH'))?.jti, id);
    assert.equal(await adapterFor('DeviceCode').findByUserCode('ZZZZ-ZZZZ'), undefined);
    assert.ok((await redis.pttl(redisKeys.userCode('DeviceCode', 'ABCD-EFGH'))) > 299_000);
  });

  it('consume marks the record consumed; a second consume revokes the grant and fails with invalid_grant', async () => {
    const grant = await issueGrant();
    const before = Math.floor(Date.now() / 1000);
    await adapterFor('AuthorizationCode').consume(grant.code);
    const consumed = await adapterFor('AuthorizationCode').find(grant.code);
    assert.ok(typeof consumed?.consumed === 'number' && consumed.consumed >= before);
    await assert.rejects(adapterFor('AuthorizationCode').consume(grant.code), errors.InvalidGrant);
    await grantIsGone(grant);
  });

  for (const model of ['AuthorizationCode', 'RefreshToken'] as const) {
    it(`of 50 concurrent consumes of one ${model} exactly one wins, and the losers revoke the grant`, async () => {
      const grant = await issueGrant();
      const id = model === 'AuthorizationCode' ? grant.code : grant.rt;
      // Five connections, as five instances would have.
      const clients = await Promise.all(Array.from({ length: 5 }, () => connectRedis(server.url, { timeoutMs: 2000, logger })));
      try {
        const adapters = clients.map((c) => guardAdapter(new (createRedisAdapterClass(c.client))(model)));
        const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => adapters[i % 5]!.consume(id)));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof errors.InvalidGrant, String(r.reason));
        await grantIsGone(grant);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    });
  }

  it('revokeByGrantId deletes every token of the grant and its index, and nothing else', async () => {
    const grant = await issueGrant();
    const other = await issueGrant();
    assert.equal(await redis.zcard(redisKeys.grant(grant.grantId)), 3);
    await adapterFor('AccessToken').revokeByGrantId(grant.grantId);
    for (const [model, id] of [['AuthorizationCode', grant.code], ['AccessToken', grant.at], ['RefreshToken', grant.rt]] as const) {
      assert.equal(await adapterFor(model).find(id), undefined, model);
    }
    assert.equal(await redis.exists(redisKeys.grant(grant.grantId)), 0);
    assert.ok(await adapterFor('AccessToken').find(other.at));
    assert.ok(await adapterFor('RefreshToken').find(other.rt));
  });

  it('keeps a grant index alive as long as its longest member, and lets it go with its members', async () => {
    const grantId = randomUUID();
    const grantKey = redisKeys.grant(grantId);
    await adapterFor('AccessToken').upsert('long-at', { grantId }, 30);
    await adapterFor('AuthorizationCode').upsert('short-code', { grantId }, 2);
    // A short member never shortens the index below its longest member.
    assert.ok((await redis.pttl(grantKey)) >= (await redis.pttl(redisKeys.record('AccessToken', 'long-at'))));
    await adapterFor('RefreshToken').upsert('longer-rt', { grantId }, 60);
    const indexTtl = await redis.pttl(grantKey);
    const longest = await redis.pttl(redisKeys.record('RefreshToken', 'longer-rt'));
    assert.ok(indexTtl >= longest && indexTtl <= longest + 1100, `index ${indexTtl} ms, longest member ${longest} ms`);

    // Bounded: expired members are pruned on the next write, and the index dies with the last one.
    const shortGrant = randomUUID();
    await adapterFor('AccessToken').upsert('a1', { grantId: shortGrant }, 1);
    await sleep(1100);
    await adapterFor('AccessToken').upsert('a2', { grantId: shortGrant }, 1);
    assert.deepEqual(await redis.zrange(redisKeys.grant(shortGrant), '0', '-1'), [redisKeys.record('AccessToken', 'a2')]);
    await sleep(2200);
    assert.equal(await redis.exists(redisKeys.grant(shortGrant)), 0);
  });

  it('destroy removes the record, its index keys and its grant membership', async () => {
    const grant = await issueGrant();
    await adapterFor('AccessToken').destroy(grant.at);
    assert.equal(await adapterFor('AccessToken').find(grant.at), undefined);
    assert.equal(await redis.zscore(redisKeys.grant(grant.grantId), redisKeys.record('AccessToken', grant.at)), null);
    const id = randomUUID();
    const uid = randomUUID();
    await adapterFor('Session').upsert(id, { jti: id, uid, accountId: 'acc-destroy' }, 300);
    await adapterFor('Session').destroy(id);
    assert.equal(await redis.exists(redisKeys.uid('Session', uid)), 0);
    assert.deepEqual(await listIdsByAccount(redis, 'Session', 'acc-destroy'), []);
    await adapterFor('Session').destroy(randomUUID()); // destroying nothing is fine
  });

  it('keeps no copy of the id in the record (every byte of a session counts), and still cleans up records of an earlier release that did', async () => {
    const id = randomUUID();
    const uid = randomUUID();
    await adapterFor('Session').upsert(id, { jti: id, uid, accountId: 'acc-lean' }, 300);
    assert.deepEqual((await redis.hkeys(redisKeys.record('Session', id))).sort(), ['accountKey', 'payload', 'uidKey']);
    // As an earlier release wrote it: the id in the hash beside the index key names.
    const old = randomUUID();
    const oldUid = randomUUID();
    await redis.hset(redisKeys.record('Session', old), { payload: JSON.stringify({ jti: old, uid: oldUid, accountId: 'acc-lean' }), id: old, uidKey: redisKeys.uid('Session', oldUid), accountKey: redisKeys.account('Session', 'acc-lean') });
    await redis.set(redisKeys.uid('Session', oldUid), old);
    await redis.zadd(redisKeys.account('Session', 'acc-lean'), '+inf', old);
    assert.deepEqual((await listIdsByAccount(redis, 'Session', 'acc-lean')).sort(), [id, old].sort());
    await adapterFor('Session').destroy(old);
    assert.equal(await redis.exists(redisKeys.uid('Session', oldUid)), 0, 'its uid index went');
    assert.deepEqual(await listIdsByAccount(redis, 'Session', 'acc-lean'), [id], 'its account entry went');
    await adapterFor('Session').destroy(id);
  });

  it('lists sessions and grants by account, following a session that changes accounts', async () => {
    const id = randomUUID();
    await adapterFor('Session').upsert(id, { jti: id, uid: randomUUID(), accountId: 'acc-a' }, 300);
    const grant = await issueGrant();
    assert.deepEqual(await listIdsByAccount(redis, 'Session', 'acc-a'), [id]);
    assert.ok((await listIdsByAccount(redis, 'Grant', 'acc-1')).includes(grant.grantId));
    await adapterFor('Session').upsert(id, { jti: id, uid: randomUUID(), accountId: 'acc-b' }, 300);
    assert.deepEqual(await listIdsByAccount(redis, 'Session', 'acc-a'), []);
    assert.deepEqual(await listIdsByAccount(redis, 'Session', 'acc-b'), [id]);
  });

  it('lists grants by client, and forgets a grant once it is destroyed or revoked', async () => {
    const clientId = `client-${randomUUID()}`;
    const ids = [randomUUID(), randomUUID()];
    for (const id of ids) await adapterFor('Grant').upsert(id, { jti: id, kind: 'Grant', accountId: 'acc-1', clientId }, 600);
    await issueGrant(); // another client's grant
    assert.deepEqual((await listGrantIdsByClient(redis, clientId)).sort(), [...ids].sort());
    await adapterFor('Grant').destroy(ids[0]!);
    assert.deepEqual(await listGrantIdsByClient(redis, clientId), [ids[1]]);
    await adapterFor('Grant').upsert(ids[1]!, { jti: ids[1], kind: 'Grant', accountId: 'acc-1', clientId: 'moved' }, 600);
    assert.deepEqual(await listGrantIdsByClient(redis, clientId), []);
    assert.equal(await redis.exists(redisKeys.client('Grant', clientId)), 0, 'an emptied index goes');
  });

  describe('grants read ahead with their tokens', () => {
    it('hands the grant read with a token to the Grant lookup that follows in the same request, once', async () => {
      const grant = await issueGrant();
      await inRequest(async () => {
        assert.equal((await adapterFor('AccessToken').find(grant.at))?.grantId, grant.grantId);
        // Deleted behind the adapter's back: only the read-ahead copy can answer now.
        await redis.del(redisKeys.record('Grant', grant.grantId));
        assert.equal((await adapterFor('Grant').find(grant.grantId))?.accountId, 'acc-1', 'the read-ahead copy');
        assert.equal(await adapterFor('Grant').find(grant.grantId), undefined, 'a second lookup reads Redis');
      });
    });

    it('keeps nothing outside a request, and nothing from one request for another', async () => {
      const grant = await issueGrant();
      await adapterFor('RefreshToken').find(grant.rt); // outside any request
      await inRequest(() => adapterFor('AccessToken').find(grant.at).then(() => undefined)); // another request
      await redis.del(redisKeys.record('Grant', grant.grantId));
      assert.equal(await adapterFor('Grant').find(grant.grantId), undefined);
      await inRequest(async () => {
        assert.equal(await adapterFor('Grant').find(grant.grantId), undefined);
      });
    });

    it('reads a token whose grant is gone, and a token without a grant, as before', async () => {
      const grant = await issueGrant();
      await redis.del(redisKeys.record('Grant', grant.grantId));
      const lone = randomUUID();
      await adapterFor('AccessToken').upsert(lone, { jti: lone, kind: 'AccessToken', clientId: 'c' }, 60);
      await inRequest(async () => {
        assert.equal((await adapterFor('AccessToken').find(grant.at))?.jti, grant.at);
        assert.equal(await adapterFor('Grant').find(grant.grantId), undefined);
        assert.deepEqual(await adapterFor('AccessToken').find(lone), { jti: lone, kind: 'AccessToken', clientId: 'c' });
        assert.equal(await adapterFor('AccessToken').find(randomUUID()), undefined);
      });
    });

    it('reports a consumed token as consumed', async () => {
      const grant = await issueGrant();
      await adapterFor('AuthorizationCode').consume(grant.code);
      await inRequest(async () => {
        assert.equal(typeof (await adapterFor('AuthorizationCode').find(grant.code))?.consumed, 'number');
      });
    });
  });

  describe('when Redis fails', () => {
    async function timeFailure(call: () => Promise<unknown>): Promise<number> {
      const started = performance.now();
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof UnavailableError, `expected UnavailableError, got ${String(error)}`);
        assert.equal(error.statusCode, 503);
        return true;
      });
      return performance.now() - started;
    }

    it('fails within 2.5 s with a 503 error when Redis is frozen, and recovers when it thaws', async (t) => {
      const id = randomUUID();
      await adapterFor('AccessToken').upsert(id, { jti: id }, 60);
      server.freeze();
      try {
        const elapsed = await timeFailure(() => adapterFor('AccessToken').find(id));
        const upsertElapsed = await timeFailure(() => adapterFor('AccessToken').upsert(randomUUID(), {}, 60));
        t.diagnostic(`frozen Redis: find failed after ${Math.round(elapsed)} ms, upsert after ${Math.round(upsertElapsed)} ms`);
        assert.ok(elapsed < 2500 && upsertElapsed < 2500, `${elapsed} / ${upsertElapsed} ms`);
      } finally {
        server.thaw();
      }
      assert.ok(await adapterFor('AccessToken').find(id));
    });

    it('fails at once with a 503 error while Redis is down, and recovers when it is back', async (t) => {
      await server.stop();
      let restarted = false;
      try {
        const elapsed = await timeFailure(() => adapterFor('Session').find(randomUUID()));
        const consumeElapsed = await timeFailure(() => adapterFor('AuthorizationCode').consume(randomUUID()));
        t.diagnostic(`stopped Redis: find failed after ${Math.round(elapsed)} ms, consume after ${Math.round(consumeElapsed)} ms`);
        assert.ok(elapsed < 2500 && consumeElapsed < 2500, `${elapsed} / ${consumeElapsed} ms`);
        await server.start();
        restarted = true;
        const started = performance.now();
        const id = randomUUID();
        for (;;) {
          try {
            await adapterFor('AccessToken').upsert(id, { jti: id }, 60);
            break;
          } catch (error) {
            assert.ok(error instanceof UnavailableError, String(error));
            assert.ok(performance.now() - started < 5000, 'no recovery within 5 s');
            await sleep(100);
          }
        }
        t.diagnostic(`Redis back: adapter recovered after ${Math.round(performance.now() - started)} ms`);
        assert.deepEqual(await adapterFor('AccessToken').find(id), { jti: id });
        // The scripts were lost with the restart; ioredis reloads them.
        await adapterFor('AccessToken').consume(id);
      } finally {
        if (!restarted) await server.start();
      }
    });
  });
});
