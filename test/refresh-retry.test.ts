/**
 * Retry-safe refresh rotation (oidc/refresh-replay.ts, REFRESH_REUSE_WINDOW): a refresh token
 * repeated by its client within the window gets the same answer, concurrent refreshes of one
 * token end with one successor, and everything else is still reuse that revokes the grant. On
 * the embedded store (one process), and on a real Redis shared by two instances.
 * REFRESH_REUSE_WINDOW=0 (every repeat revokes at once) is what test/observability-logs.test.ts
 * runs with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { startRedisServer, type RedisServer } from '@portcullis/server/testing/redis-server.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { createClient, endpointsOf, postForm, signUpAndRedeem, type RawResponse, type RegisteredClient } from './support/oidc-harness.js';

const WINDOW_SECONDS = 2;

/** One command to the test Redis, its raw answer lines. */
async function redisCommand(redis: RedisServer, ...args: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)('/usr/bin/redis-cli', ['-p', String(redis.port), '--raw', ...args]);
  return stdout.split('\n').filter(Boolean);
}

const refresh = (server: TestServer, refreshToken: string, as: RegisteredClient, headers: Record<string, string> = {}): Promise<RawResponse> =>
  postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken }, as, headers);

function assertTokens(response: RawResponse): { access_token: string; refresh_token: string } {
  assert.equal(response.status, 200, response.text);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  return response.body as { access_token: string; refresh_token: string };
}

async function userinfoStatus(server: TestServer, accessToken: string): Promise<number> {
  const { userinfo } = await endpointsOf(server);
  return (await fetch(userinfo, { headers: { authorization: `Bearer ${accessToken}` } })).status;
}

describe('refresh reuse window (embedded store)', () => {
  let server: TestServer;
  /** A first-party single-page app: public, PKCE, refresh tokens. */
  let spa: RegisteredClient;
  /** A confidential web app. */
  let web: RegisteredClient;
  before(async () => {
    server = await startTestServer({ REFRESH_REUSE_WINDOW: String(WINDOW_SECONDS) });
    spa = await createClient(server, { public: true, first_party: true });
    web = await createClient(server, { first_party: true });
  });
  after(() => server.close());

  it('answers the same refresh token twice within the window with the same tokens, and both copies work', async () => {
    const { tokens } = await signUpAndRedeem(server, spa);
    const first = assertTokens(await refresh(server, tokens.refresh_token!, spa));
    const again = assertTokens(await refresh(server, tokens.refresh_token!, spa));
    assert.deepEqual(again, first);
    assert.equal(await userinfoStatus(server, again.access_token), 200);
    const next = assertTokens(await refresh(server, again.refresh_token, spa));
    assert.notEqual(next.refresh_token, first.refresh_token);
    const events = (await server.admin('GET', '/admin/audit?limit=1000')).body.events as { type: string; client_id: string }[];
    assert.ok(events.some((e) => e.type === 'token.refresh_replayed' && e.client_id === spa.client_id));
  });

  it('serialises concurrent refreshes of one token into one successor (two tabs)', async () => {
    const { tokens } = await signUpAndRedeem(server, spa);
    const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(server, tokens.refresh_token!, spa)));
    const bodies = answers.map(assertTokens);
    assert.equal(new Set(bodies.map((b) => b.refresh_token)).size, 1, 'one successor');
    assertTokens(await refresh(server, bodies[0]!.refresh_token, spa));
  });

  it('revokes the whole grant when the token is reused after the window', async () => {
    const { tokens } = await signUpAndRedeem(server, spa);
    const first = assertTokens(await refresh(server, tokens.refresh_token!, spa));
    await sleep(WINDOW_SECONDS * 1000 + 300);
    const reused = await refresh(server, tokens.refresh_token!, spa);
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
    assert.equal((await refresh(server, first.refresh_token, spa)).body.error, 'invalid_grant', 'the successor died with the grant');
    assert.equal(await userinfoStatus(server, first.access_token), 401);
  });

  it('revokes at once when the old token comes back after its successor was used', async () => {
    const { tokens } = await signUpAndRedeem(server, spa);
    const first = assertTokens(await refresh(server, tokens.refresh_token!, spa));
    const second = assertTokens(await refresh(server, first.refresh_token, spa));
    assert.equal((await refresh(server, tokens.refresh_token!, spa)).body.error, 'invalid_grant');
    assert.equal((await refresh(server, second.refresh_token, spa)).body.error, 'invalid_grant');
  });

  it('never serves the answer to another client, and that attempt revokes nothing', async () => {
    const { tokens } = await signUpAndRedeem(server, spa);
    const first = assertTokens(await refresh(server, tokens.refresh_token!, spa));
    const stolen = await refresh(server, tokens.refresh_token!, web);
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
    assert.ok(!stolen.text.includes(first.access_token));
    assert.deepEqual(assertTokens(await refresh(server, tokens.refresh_token!, spa)), first);
  });

  it('asks a confidential client to authenticate again for the repeat', async () => {
    const { tokens } = await signUpAndRedeem(server, web);
    const first = assertTokens(await refresh(server, tokens.refresh_token!, web));
    const wrongSecret = await refresh(server, tokens.refresh_token!, { ...web, client_secret: 'not-the-secret' });
    assert.equal(wrongSecret.status, 401);
    assert.ok(!wrongSecret.text.includes(first.access_token));
    assert.deepEqual(assertTokens(await refresh(server, tokens.refresh_token!, web)), first);
  });

  it('wants a proof by the same DPoP key when the first refresh sent one', async () => {
    const { tokens } = await signUpAndRedeem(server, spa);
    const proof = (x: string) => `${Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x, y: 'y' } })).toString('base64url')}.e30.sig`;
    const first = assertTokens(await refresh(server, tokens.refresh_token!, spa, { dpop: proof('a') }));
    assert.equal((await refresh(server, tokens.refresh_token!, spa, { dpop: proof('b') })).status, 400);
    assert.equal((await refresh(server, tokens.refresh_token!, spa)).status, 400);
    assert.deepEqual(assertTokens(await refresh(server, tokens.refresh_token!, spa, { dpop: proof('a') })), first);
  });
});

describe('refresh reuse window on a Redis shared by two instances', () => {
  let redis: RedisServer;
  let a: TestServer;
  let b: TestServer;
  let spa: RegisteredClient;
  before(async () => {
    redis = await startRedisServer();
    // Instances of one deployment share their encryption keys (the recorded answers are sealed).
    const shared = { REFRESH_REUSE_WINDOW: String(WINDOW_SECONDS), ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    a = await startTestServer(shared, { redisUrl: redis.url });
    b = await startTestServer(shared, { redisUrl: redis.url });
    spa = await createClient(a, { public: true, first_party: true });
    // Each instance has its own PGlite: the client is copied into B's (a public client: no
    // secret to re-seal). Tokens, grants and the recorded answers are in the shared Redis.
    const row = await a.app.db.primary.selectFrom('clients').selectAll().where('client_id', '=', spa.client_id).executeTakeFirstOrThrow();
    await b.app.db.primary.insertInto('clients').values({ ...row, metadata: JSON.stringify(row.metadata) }).execute();
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await redis?.close();
  });

  it('serves a retry that reaches the other instance the answer the first one gave', async () => {
    const { tokens } = await signUpAndRedeem(a, spa);
    const first = assertTokens(await refresh(a, tokens.refresh_token!, spa));
    assert.deepEqual(assertTokens(await refresh(b, tokens.refresh_token!, spa)), first);
  });

  it('serialises concurrent refreshes of one token into one successor', async () => {
    const { tokens } = await signUpAndRedeem(a, spa);
    const bodies = (await Promise.all(Array.from({ length: 5 }, () => refresh(a, tokens.refresh_token!, spa)))).map(assertTokens);
    assert.equal(new Set(bodies.map((body) => body.refresh_token)).size, 1);
  });

  it('keeps the recorded answer sealed and only for the window', async () => {
    const { tokens } = await signUpAndRedeem(a, spa);
    const first = assertTokens(await refresh(a, tokens.refresh_token!, spa));
    const keys = await redisCommand(redis, 'KEYS', 'portcullis:short:*');
    const answers = keys.filter((key) => key.endsWith(':answer'));
    assert.ok(answers.length > 0);
    for (const key of answers) {
      const value = (await redisCommand(redis, 'GET', key)).join('\n');
      assert.ok(!value.includes(first.access_token) && !value.includes(first.refresh_token), 'a token in clear');
      const ttl = Number((await redisCommand(redis, 'PTTL', key))[0]);
      assert.ok(ttl > 0 && ttl <= WINDOW_SECONDS * 1000, `expires within the window (${ttl} ms)`);
    }
    assert.ok(!keys.some((key) => key.includes(tokens.refresh_token!)), 'keys hold a hash of the token, never the token');
  });

  it('revokes the grant on a reuse after the window', async () => {
    const { tokens } = await signUpAndRedeem(a, spa);
    const first = assertTokens(await refresh(a, tokens.refresh_token!, spa));
    await sleep(WINDOW_SECONDS * 1000 + 300);
    assert.equal((await refresh(a, tokens.refresh_token!, spa)).body.error, 'invalid_grant');
    assert.equal((await refresh(a, first.refresh_token, spa)).body.error, 'invalid_grant');
  });
});
