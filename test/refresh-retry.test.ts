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
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import * as jose from 'jose';
import * as client from 'openid-client';
import { startRedisServer, type RedisServer } from '@portcullis/server/testing/redis-server.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import {
  allow,
  authorizationRequest,
  callbackOf,
  createClient,
  endpointsOf,
  followToClient,
  isConsentPage,
  postForm,
  register,
  relyingParty,
  signUpAndRedeem,
  uniqueEmail,
  type RawResponse,
  type RegisteredClient,
} from './support/oidc-harness.js';

const WINDOW_SECONDS = 2;

/** One command to the test Redis, its raw answer lines. */
async function redisCommand(redis: RedisServer, ...args: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)('/usr/bin/redis-cli', ['-p', String(redis.port), '--raw', ...args]);
  return stdout.split('\n').filter(Boolean);
}

const refresh = (server: TestServer, refreshToken: string, as: RegisteredClient, headers: Record<string, string> = {}): Promise<RawResponse> =>
  postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken }, as, headers);

function assertTokens(response: RawResponse): { access_token: string; refresh_token: string; token_type: string } {
  assert.equal(response.status, 200, response.text);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  return response.body as { access_token: string; refresh_token: string; token_type: string };
}

async function userinfoStatus(server: TestServer, accessToken: string): Promise<number> {
  const { userinfo } = await endpointsOf(server);
  return (await fetch(userinfo, { headers: { authorization: `Bearer ${accessToken}` } })).status;
}

type KeyPair = { privateKey: CryptoKey; publicKey: CryptoKey };
const ES256 = () => jose.generateKeyPair('ES256', { extractable: true }) as Promise<KeyPair>;

/** A DPoP proof (RFC 9449 §4.2) by `keys`, signed for real. */
async function dpopProof(keys: KeyPair, htm: string, htu: string, extra: { nonce?: string; accessToken?: string } = {}): Promise<string> {
  return new jose.SignJWT({
    htm,
    htu,
    jti: randomUUID(),
    ...(extra.nonce !== undefined && { nonce: extra.nonce }),
    ...(extra.accessToken !== undefined && { ath: createHash('sha256').update(extra.accessToken).digest('base64url') }),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await jose.exportJWK(keys.publicKey) })
    .setIssuedAt()
    .sign(keys.privateKey);
}

/** A server nonce (RFC 9449 §8): what the token endpoint answers a proof without one with. */
async function dpopNonce(tokenUrl: string, keys: KeyPair, as: RegisteredClient): Promise<string> {
  const challenge = await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: 'none' }, as, { dpop: await dpopProof(keys, 'POST', tokenUrl) });
  assert.equal(challenge.body?.error, 'use_dpop_nonce', challenge.text);
  const nonce = challenge.headers.get('dpop-nonce');
  assert.ok(nonce);
  return nonce;
}

/**
 * A new person signs up through the public `registered` client, which redeems the code with a
 * proof by `keys` (openid-client answers the nonce challenge): its access and refresh tokens are
 * bound to that key (RFC 9449 §5).
 */
async function signUpAndRedeemBound(server: TestServer, registered: RegisteredClient, keys: KeyPair) {
  const config = await relyingParty(server, registered);
  const request = await authorizationRequest(config, { scope: 'openid email offline_access', redirect_uri: registered.redirect_uris[0]! });
  const agent = new UserAgent();
  let page = await register(agent, await followToClient(agent, request.url), uniqueEmail('dpop'));
  if (isConsentPage(page)) page = await allow(agent, page);
  const checks = { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state };
  const tokens = await client.authorizationCodeGrant(config, callbackOf(page, request.redirectUri), checks, undefined, { DPoP: client.getDPoPHandle(config, keys) });
  assert.equal(tokens.token_type.toLowerCase(), 'dpop');
  assert.ok(tokens.refresh_token);
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}

/** A refusal that gives nothing of the recorded answer away. */
function assertRefused(response: RawResponse, error: string, recorded: { access_token: string; refresh_token: string }): void {
  assert.equal(response.status, 400, response.text);
  assert.equal(response.body?.error, error, response.text);
  assert.ok(!response.text.includes(recorded.access_token) && !response.text.includes(recorded.refresh_token));
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

  it('serves no repeat once the grant was revoked in between (the person signed out everywhere)', async () => {
    const { tokens, email } = await signUpAndRedeem(server, spa);
    const first = assertTokens(await refresh(server, tokens.refresh_token!, spa));
    const ended = await server.admin('POST', `/admin/users/${encodeURIComponent(email)}/revoke-sessions`);
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    assertRefused(await refresh(server, tokens.refresh_token!, spa), 'invalid_grant', first);
    assert.equal(await userinfoStatus(server, first.access_token), 401);
  });

  it('asks a confidential client to authenticate again for the repeat', async () => {
    const { tokens } = await signUpAndRedeem(server, web);
    const first = assertTokens(await refresh(server, tokens.refresh_token!, web));
    const wrongSecret = await refresh(server, tokens.refresh_token!, { ...web, client_secret: 'not-the-secret' });
    assert.equal(wrongSecret.status, 401);
    assert.ok(!wrongSecret.text.includes(first.access_token));
    assert.deepEqual(assertTokens(await refresh(server, tokens.refresh_token!, web)), first);
  });


  describe('with DPoP-bound tokens (RFC 9449, server nonces required)', () => {
    let tokenUrl: string;
    let userinfoUrl: string;
    let keyA: KeyPair;
    let keyB: KeyPair;
    before(async () => {
      ({ token: tokenUrl, userinfo: userinfoUrl } = await endpointsOf(server));
      [keyA, keyB] = await Promise.all([ES256(), ES256()]);
    });
    const byA = (nonce: string) => dpopProof(keyA, 'POST', tokenUrl, { nonce });

    it('wants a proof by the same DPoP key when the first refresh sent one, and keeps the tokens bound', async () => {
      const bound = await signUpAndRedeemBound(server, spa, keyA);
      const nonce = await dpopNonce(tokenUrl, keyA, spa);
      // Every proof is made before the first refresh: the window is short.
      const [first, byB, again] = await Promise.all([byA(nonce), dpopProof(keyB, 'POST', tokenUrl, { nonce }), byA(nonce)]);
      const answer = assertTokens(await refresh(server, bound.refreshToken, spa, { dpop: first }));
      assert.equal(answer.token_type, 'DPoP');
      assertRefused(await refresh(server, bound.refreshToken, spa, { dpop: byB }), 'invalid_grant', answer);
      assertRefused(await refresh(server, bound.refreshToken, spa), 'invalid_grant', answer);
      assert.deepEqual(assertTokens(await refresh(server, bound.refreshToken, spa, { dpop: again })), answer);
      // The refreshed access token is bound to A: refused as Bearer, accepted with a proof by A.
      assert.equal(await userinfoStatus(server, answer.access_token), 401);
      const withProof = await fetch(userinfoUrl, { headers: { authorization: `DPoP ${answer.access_token}`, dpop: await dpopProof(keyA, 'GET', userinfoUrl, { nonce, accessToken: answer.access_token }) } });
      assert.equal(withProof.status, 200);
      // Neither refusal revoked the grant, and the successor is bound to A too.
      assertRefused(await refresh(server, answer.refresh_token, spa, { dpop: await dpopProof(keyB, 'POST', tokenUrl, { nonce }) }), 'invalid_grant', answer);
      const next = assertTokens(await refresh(server, answer.refresh_token, spa, { dpop: await byA(nonce) }));
      assert.equal(next.token_type, 'DPoP');
    });

    it('never serves the recorded answer for a proof that does not verify, even with the right key in its header', async () => {
      const bound = await signUpAndRedeemBound(server, spa, keyA);
      const nonce = await dpopNonce(tokenUrl, keyA, spa);
      const jwkA = await jose.exportJWK(keyA.publicKey);
      const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = () => ({ htm: 'POST', htu: tokenUrl, jti: randomUUID(), iat: Math.floor(Date.now() / 1000), nonce });
      const [first, signedByB, genuine, again] = await Promise.all([
        byA(nonce),
        new jose.SignJWT(claims()).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: jwkA }).sign(keyB.privateKey),
        byA(nonce),
        byA(nonce),
      ]);
      const invalid: [string, string, string][] = [
        ["A's key in the header, signed by B", signedByB, 'invalid_dpop_proof'],
        ['unsigned (alg none)', `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: jwkA })}.${b64(claims())}.`, 'invalid_dpop_proof'],
        ["A's proof with a garbage signature", `${genuine.split('.').slice(0, 2).join('.')}.${'A'.repeat(86)}`, 'invalid_dpop_proof'],
        ['by A for another endpoint (htu)', await dpopProof(keyA, 'POST', userinfoUrl, { nonce }), 'invalid_dpop_proof'],
        ['by A for another method (htm)', await dpopProof(keyA, 'GET', tokenUrl, { nonce }), 'invalid_dpop_proof'],
        ['by A without the nonce', await dpopProof(keyA, 'POST', tokenUrl), 'use_dpop_nonce'],
        ['by A with a made-up nonce', await dpopProof(keyA, 'POST', tokenUrl, { nonce: 'A'.repeat(43) }), 'use_dpop_nonce'],
      ];
      const answer = assertTokens(await refresh(server, bound.refreshToken, spa, { dpop: first }));
      for (const [what, proof, error] of invalid) {
        const response = await refresh(server, bound.refreshToken, spa, { dpop: proof });
        assert.ok(response.status === 400 && response.body?.error === error, `${what}: ${response.status} ${response.text}`);
        assertRefused(response, error, answer);
      }
      assert.deepEqual(assertTokens(await refresh(server, bound.refreshToken, spa, { dpop: again })), answer, 'nothing was revoked');
    });

    it("refuses a repeat whose proof's jti was used before: a captured request replayed whole gets nothing", async () => {
      const bound = await signUpAndRedeemBound(server, spa, keyA);
      const nonce = await dpopNonce(tokenUrl, keyA, spa);
      const [first, second] = await Promise.all([byA(nonce), byA(nonce)]);
      const answer = assertTokens(await refresh(server, bound.refreshToken, spa, { dpop: first }));
      assertRefused(await refresh(server, bound.refreshToken, spa, { dpop: first }), 'invalid_grant', answer);
      assert.deepEqual(assertTokens(await refresh(server, bound.refreshToken, spa, { dpop: second })), answer);
      assertRefused(await refresh(server, bound.refreshToken, spa, { dpop: second }), 'invalid_grant', answer);
    });
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
