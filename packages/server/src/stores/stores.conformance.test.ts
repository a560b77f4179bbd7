/**
 * One set of cases, run against every store `buildStores` can choose (build-stores.ts `STORES`):
 * what the rest of the server relies on, whichever store is behind it. A store registered there
 * without a fixture here does not type-check, so a new store runs these cases from its first day.
 * PostgreSQL on embedded PGlite with the real migrations; Redis on a throwaway redis-server.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import compose from 'koa-compose';
import type { Context } from 'koa';
import { errors } from 'oidc-provider';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { migrateToLatest, openPglite, type Database } from '@portcullis/db';
import { createLogger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { startRedisServer } from '../testing/redis-server.js';
import { buildStores, type StoreName, type StoresConfig } from './build-stores.js';
import type { Change, Stores } from './stores.js';

interface Fixture {
  /** Brings up what the store needs; `config` makes buildStores choose it. */
  start(): Promise<{ config: StoresConfig; stop(): Promise<void> }>;
  /** Instances on the same store share counters and hear each other's changes. */
  shared: boolean;
  /** Its name in /readyz, when it is a dependency of its own. */
  dependency: string | undefined;
  /** The `backend` label of its adapter timings. */
  metricsBackend: string;
}

const FIXTURES: { [name in StoreName]: Fixture } = {
  postgres: {
    start: () => Promise.resolve({ config: { redisTimeoutMs: 2000 }, stop: () => Promise.resolve() }),
    shared: false,
    dependency: undefined,
    metricsBackend: 'primary',
  },
  redis: {
    async start() {
      const server = await startRedisServer();
      return { config: { redisUrl: server.url, redisTimeoutMs: 2000 }, stop: () => server.close() };
    },
    shared: true,
    dependency: 'redis',
    metricsBackend: 'redis',
  },
};

const logger = createLogger('error', { silent: true });
const newMetrics = () => createMetrics({ maxClientLabels: 5, processMetrics: false });

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

let db: Database;
before(async () => {
  db = await openPglite(undefined);
  await migrateToLatest(db);
});
after(() => db.close());

for (const [name, fixture] of Object.entries(FIXTURES) as [StoreName, Fixture][]) {
  describe(`stores: ${name}`, () => {
    let environment: Awaited<ReturnType<Fixture['start']>>;
    let metrics: Metrics;
    let stores: Stores;
    /** A second instance on the same store (another process, in production). */
    let other: Stores;

    before(async () => {
      environment = await fixture.start();
      metrics = newMetrics();
      stores = await buildStores(environment.config, { db, logger, metrics });
      other = await buildStores(environment.config, { db, logger, metrics: newMetrics() });
    });
    after(async () => {
      await stores.close();
      await other.close();
      await environment.stop();
    });

    /** A grant of `accountId` for `clientId`, with a code, an access and a refresh token. */
    async function issueGrant(accountId = randomUUID(), clientId = randomUUID(), ttl = 600) {
      const grantId = randomUUID();
      const ids = { code: randomUUID(), at: randomUUID(), rt: randomUUID() };
      await stores.payloads('Grant').upsert(grantId, { jti: grantId, kind: 'Grant', accountId, clientId }, ttl);
      await stores.payloads('AuthorizationCode').upsert(ids.code, { jti: ids.code, kind: 'AuthorizationCode', grantId }, 60);
      await stores.payloads('AccessToken').upsert(ids.at, { jti: ids.at, kind: 'AccessToken', grantId }, ttl);
      await stores.payloads('RefreshToken').upsert(ids.rt, { jti: ids.rt, kind: 'RefreshToken', grantId }, ttl);
      return { grantId, accountId, clientId, ...ids };
    }

    it('is the store its configuration asks for', () => {
      assert.equal(stores.name, name);
    });

    it('gives back what was stored: by id, a session by uid, a device code by user code', async () => {
      const [sessionId, uid, deviceId] = [randomUUID(), randomUUID(), randomUUID()];
      const session = { jti: sessionId, kind: 'Session', uid, accountId: 'acc', authorizations: { app: { sid: 's', grantId: 'g' } } };
      await stores.payloads('Session').upsert(sessionId, session, 600);
      assert.deepEqual(await stores.payloads('Session').find(sessionId), session);
      assert.deepEqual(await stores.payloads('Session').findByUid(uid), session);
      const device = { jti: deviceId, kind: 'DeviceCode', userCode: `U-${deviceId}` };
      await stores.payloads('DeviceCode').upsert(deviceId, device, 300);
      assert.deepEqual(await stores.payloads('DeviceCode').findByUserCode(`U-${deviceId}`), device);
      assert.equal(await stores.payloads('Session').find(randomUUID()), undefined);
      await stores.payloads('Session').destroy(sessionId);
      assert.equal(await stores.payloads('Session').find(sessionId), undefined);
      assert.equal(await stores.payloads('Session').findByUid(uid), undefined);
    });

    it('forgets a payload once it expires', async () => {
      const id = randomUUID();
      await stores.payloads('Interaction').upsert(id, { jti: id, kind: 'Interaction' }, 1);
      assert.ok(await stores.payloads('Interaction').find(id));
      await sleep(1200);
      assert.equal(await stores.payloads('Interaction').find(id), undefined);
    });

    it('consumes a code once; a second redemption fails with invalid_grant and revokes its grant', async () => {
      const grant = await issueGrant();
      const codes = stores.payloads('AuthorizationCode');
      await codes.consume(grant.code);
      const consumed = await codes.find(grant.code);
      assert.equal(typeof consumed?.consumed, 'number');
      await assert.rejects(codes.consume(grant.code), errors.InvalidGrant);
      assert.equal(await stores.payloads('AccessToken').find(grant.at), undefined);
      assert.equal(await stores.payloads('RefreshToken').find(grant.rt), undefined);
      assert.equal(await stores.payloads('Grant').find(grant.grantId), undefined);
    });

    it('lets exactly one of many concurrent redemptions win', async () => {
      const grant = await issueGrant();
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => stores.payloads('RefreshToken').consume(grant.rt)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    });

    it('revokes every token of a grant, and only of that grant', async () => {
      const [grant, bystander] = [await issueGrant(), await issueGrant()];
      await stores.payloads('AccessToken').revokeByGrantId(grant.grantId);
      assert.equal(await stores.payloads('AccessToken').find(grant.at), undefined);
      assert.equal(await stores.payloads('RefreshToken').find(grant.rt), undefined);
      assert.equal(await stores.payloads('AuthorizationCode').find(grant.code), undefined);
      assert.ok(await stores.payloads('AccessToken').find(bystander.at));
    });

    it('refuses U+0000 in a payload as invalid_request, and knows no id holding one', async () => {
      await assert.rejects(stores.payloads('Interaction').upsert(randomUUID(), { jti: 'x', params: { state: 'a\u0000b' } }, 60), errors.InvalidRequest);
      assert.equal(await stores.payloads('Session').find('a\u0000b'), undefined);
      assert.equal(await stores.payloads('Session').findByUid('a\u0000b'), undefined);
    });

    it('times every adapter call under its backend label', async () => {
      await stores.payloads('Session').find(randomUUID());
      const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'portcullis_adapter_operation_duration_seconds');
      assert.ok(metric?.values.some((v) => v.labels.backend === fixture.metricsBackend && v.labels.model === 'Session' && v.labels.operation === 'find'));
    });

    it("lists an account's live sessions and grants, and a client's grants", async () => {
      const accountId = randomUUID();
      const clientId = randomUUID();
      const [first, second] = [await issueGrant(accountId, clientId), await issueGrant(accountId)];
      const sessionId = randomUUID();
      await stores.payloads('Session').upsert(sessionId, { jti: sessionId, kind: 'Session', uid: randomUUID(), accountId }, 600);
      assert.deepEqual(await stores.sessionIndex.listIdsByAccount('Session', accountId), [sessionId]);
      assert.deepEqual((await stores.sessionIndex.listIdsByAccount('Grant', accountId)).sort(), [first.grantId, second.grantId].sort());
      assert.deepEqual(await stores.sessionIndex.listGrantIdsByClient(clientId), [first.grantId]);
      await stores.payloads('Grant').destroy(first.grantId);
      await stores.payloads('Session').destroy(sessionId);
      assert.deepEqual(await stores.sessionIndex.listIdsByAccount('Grant', accountId), [second.grantId]);
      assert.deepEqual(await stores.sessionIndex.listIdsByAccount('Session', accountId), []);
      assert.deepEqual(await stores.sessionIndex.listGrantIdsByClient(clientId), []);
    });

    it('counts: refuses past the points of a key, and shares the count with other instances when the store is shared', async () => {
      const counterName = `conformance:${randomUUID()}`;
      const tier = { points: 2, durationSeconds: 60 };
      const [mine, theirs] = [stores.counters(counterName, tier), other.counters(counterName, tier)];
      await mine.consume('key', 1);
      await mine.consume('key', 1);
      await assert.rejects(mine.consume('key', 1), (error: unknown) => error instanceof RateLimiterRes && error.msBeforeNext > 0);
      await mine.consume('another key', 1);
      if (fixture.shared) await assert.rejects(theirs.consume('key', 1), RateLimiterRes);
      else await theirs.consume('key', 1);
    });

    it('announces a change to every listening instance when shared; does nothing, and never fails, otherwise', async () => {
      const heard: { mine: Change[]; theirs: Change[] } = { mine: [], theirs: [] };
      await stores.changeFeed.listen({ onChange: (change) => heard.mine.push(change), onResync: () => undefined });
      await other.changeFeed.listen({ onChange: (change) => heard.theirs.push(change), onResync: () => undefined });
      const change: Change = { kind: 'client', clientId: randomUUID() };
      await stores.changeFeed.publish(change);
      await stores.changeFeed.publish({ kind: 'keys' });
      if (fixture.shared) {
        await until(() => heard.theirs.length === 2 && heard.mine.length === 2, 'both instances to hear both changes');
        assert.deepEqual(heard.theirs, [change, { kind: 'keys' }]);
      } else {
        await sleep(100);
        assert.deepEqual(heard, { mine: [], theirs: [] });
      }
    });

    it("reads a token and then its grant inside one request, as the provider's routes do", async () => {
      const grant = await issueGrant();
      let seen: unknown;
      await compose(stores.providerMiddleware)({} as Context, async () => {
        const token = await stores.payloads('AccessToken').find(grant.at);
        seen = await stores.payloads('Grant').find(String(token?.grantId));
      });
      assert.equal((seen as { jti?: string } | undefined)?.jti, grant.grantId);
    });

    it('keeps short-lived values until they expire, and gives a claim to one caller, shared when the store is', async () => {
      const key = `test:${randomUUID()}`;
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : stores).shortTerm.claim(key, String(i), 5000)));
      // Unshared stores each have their own keys: one winner per instance.
      assert.equal(claims.filter(Boolean).length, fixture.shared ? 1 : 2);
      await stores.shortTerm.delete(key);
      assert.equal(await stores.shortTerm.claim(key, 'again', 5000), true);
      await stores.shortTerm.set(`${key}:v`, 'value', 150);
      assert.equal(await stores.shortTerm.get(`${key}:v`), 'value');
      assert.equal(await other.shortTerm.get(`${key}:v`), fixture.shared ? 'value' : undefined);
      await sleep(250);
      assert.equal(await stores.shortTerm.get(`${key}:v`), undefined);
      assert.equal(await stores.shortTerm.claim(`${key}:short`, 'x', 100), true);
      await sleep(200);
      assert.equal(await stores.shortTerm.claim(`${key}:short`, 'y', 100), true, 'an expired claim can be taken again');
    });

    it('answers a ping, and names itself in readiness only when it is a dependency of its own', async () => {
      await stores.ping();
      assert.equal(stores.dependency, fixture.dependency);
    });
  });
}
