/**
 * Production mode as the environment configures it: a real PostgreSQL (throwaway), a real
 * Redis, and a reader URL nobody answers on. The app starts, reads fall back to the primary
 * (readiness says `fallback` and stays ready), the provider's artefacts go to Redis and none
 * to the `oidc_payloads` table, and when PostgreSQL goes away requests fail fast with 503.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '@portcullis/config';
import { startPostgresServer, type PostgresServer } from '@portcullis/db/testing/postgres-server';
import { freePort } from '@portcullis/db/testing/free-port';
import { createPortcullis, type Portcullis } from './composition-root.js';
import { closeAll, listen } from './listen.js';
import { createLogger } from './observability/logger.js';
import { startRedisServer, type RedisServer } from './testing/redis-server.js';

describe('production mode (PostgreSQL + Redis from the environment)', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let app: Portcullis;
  let servers: http.Server[];
  let issuer: string;
  let adminUrl: string;

  before(async () => {
    [postgres, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
    const [port, adminPort, nobody] = [await freePort(), await freePort(), await freePort()];
    const config = loadConfig({
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      DATABASE_URL: postgres.url,
      DATABASE_READ_URL: `postgres://postgres@127.0.0.1:${nobody}/postgres`,
      REDIS_URL: redis.url,
      DATABASE_POOL_SIZE: '4',
      DATABASE_READ_POOL_SIZE: '2',
      DATABASE_TIMEOUT_MS: '2000',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      REDIS_TIMEOUT_MS: '1000',
      COOKIE_KEYS: 'c'.repeat(32),
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      ADMIN_TOKEN: 'a'.repeat(32),
    });
    assert.equal(config.mode, 'production');
    app = await createPortcullis(config, { logger: createLogger('error', { silent: process.env.PORTCULLIS_TEST_LOGS !== 'true' }) });
    servers = [...(await listen(app.publicApp, '127.0.0.1', port)), ...(await listen(app.adminApp, '127.0.0.1', adminPort))];
    issuer = config.issuer;
    adminUrl = `http://127.0.0.1:${adminPort}`;
  });

  after(async () => {
    await closeAll(servers);
    await app.close();
    await Promise.all([postgres.close(), redis.close()]);
  });

  const readyz = async () => {
    const response = await fetch(`${adminUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, string> } };
  };

  async function clientCredentialsToken(client: { client_id: string; client_secret: string }) {
    const started = performance.now();
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, string>, ms: performance.now() - started };
  }

  it('serves with the reader down, keeping OIDC artefacts in Redis; fails fast with 503 when PostgreSQL goes', async (t) => {
    assert.deepEqual(await readyz(), { status: 200, body: { status: 'ready', checks: { primary: 'ok', reader: 'fallback', redis: 'ok' } } });

    const created = await fetch(`${adminUrl}/admin/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Service', grant_types: ['client_credentials'] }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const client = (await created.json()) as { client_id: string; client_secret: string };

    // The client is read through the reader, which falls back to the primary.
    const token = await clientCredentialsToken(client);
    assert.equal(token.status, 200, JSON.stringify(token.body));
    const inspect = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await inspect.connect();
    try {
      assert.equal(await inspect.exists(`portcullis:oidc:ClientCredentials:${token.body.access_token}`), 1);
    } finally {
      inspect.disconnect();
    }
    const rows = await app.db.primary.selectFrom('oidc_payloads').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(rows.n), 0);

    // A client this instance has not looked up yet: client metadata is cached per instance
    // (oidc/client-cache.ts), so only an uncached client still needs PostgreSQL for its token.
    const unseenCreated = await fetch(`${adminUrl}/admin/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Unseen service', grant_types: ['client_credentials'] }),
    });
    assert.equal(unseenCreated.status, 201, await unseenCreated.clone().text());
    const unseen = (await unseenCreated.json()) as { client_id: string; client_secret: string };

    await postgres.close();
    // The cached client keeps working from its cache and Redis, within the cache's TTL.
    assert.equal((await clientCredentialsToken(client)).status, 200);
    const down = await clientCredentialsToken(unseen);
    t.diagnostic(`PostgreSQL stopped: token request ${down.status} after ${Math.round(down.ms)} ms`);
    assert.equal(down.status, 503, JSON.stringify(down.body));
    assert.equal(down.retryAfter, '5');
    assert.ok(down.ms < 5000, `${down.ms} ms`);
    const started = performance.now();
    const notReady = await readyz();
    t.diagnostic(`PostgreSQL stopped: /readyz ${notReady.status} after ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(notReady, { status: 503, body: { status: 'not_ready', checks: { primary: 'failed', reader: 'failed', redis: 'ok' } } });
    const adminList = await fetch(`${adminUrl}/admin/clients`, { headers: { authorization: `Bearer ${app.adminToken}` } });
    assert.equal(adminList.status, 503);
    assert.equal(adminList.headers.get('retry-after'), '5');
  });
});

