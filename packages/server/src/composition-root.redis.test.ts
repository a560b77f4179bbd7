/**
 * The whole app with its OIDC artefacts in a real Redis (SQL on embedded PGlite, see the
 * composition root's header): a code + PKCE flow lands in Redis, a replayed code fails and
 * takes the grant with it, /readyz follows Redis going away and coming back, and a token
 * request during the outage is a quick 503 with Retry-After.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { CookieJar } from 'tough-cookie';
import { loadConfig } from '@portcullis/config';
import { createPortcullis, type Portcullis } from './composition-root.js';
import { closeAll, listen } from './listen.js';
import { createLogger } from './observability/logger.js';
import { startRedisServer, type RedisServer } from './testing/redis-server.js';
import { readMailDir } from './testing/smtp-sink.js';
import { freePort } from '@portcullis/db/testing/free-port';

const REDIRECT_URI = 'https://app.example.test/callback';


interface Page {
  status: number;
  location?: string;
  body: string;
  headers: Headers;
}

/** A browser in miniature: cookies, manual redirects, form posts. */
class Browser {
  private readonly jar = new CookieJar();

  async request(url: string, form?: Record<string, string>): Promise<Page & { url: string }> {
    const cookie = await this.jar.getCookieString(url);
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers: { ...(cookie && { cookie }), ...(form && { 'content-type': 'application/x-www-form-urlencoded' }) },
      body: form && new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    for (const setCookie of response.headers.getSetCookie()) await this.jar.setCookie(setCookie, url);
    const location = response.headers.get('location');
    return { url, status: response.status, location: location ? new URL(location, url).href : undefined, body: await response.text(), headers: response.headers };
  }

  /** Follows redirects until a page, or until the redirect back to the client. */
  async follow(url: string, form?: Record<string, string>): Promise<Page & { url: string }> {
    let page = await this.request(url, form);
    for (let hops = 0; page.location && !page.location.startsWith(REDIRECT_URI) && hops < 20; hops++) page = await this.request(page.location);
    return page;
  }
}

describe('Portcullis with OIDC artefacts in Redis', () => {
  let redisServer: RedisServer;
  let inspect: Redis;
  let app: Portcullis;
  let servers: http.Server[];
  let dataDir: string;
  let issuer: string;
  let adminUrl: string;
  let client: { client_id: string; client_secret: string };

  before(async () => {
    redisServer = await startRedisServer();
    inspect = new Redis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    await inspect.connect();
    inspect.on('error', () => undefined);
    const [port, adminPort] = [await freePort(), await freePort()];
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-redis-app-'));
    const env = { PORT: String(port), ADMIN_PORT: String(adminPort), DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'error', DEMO: 'false' };
    const config = { ...loadConfig(env), redisUrl: redisServer.url };
    app = await createPortcullis(config, { inMemoryDatabase: true, logger: createLogger('debug', { silent: process.env.PORTCULLIS_TEST_LOGS !== 'true' }) });
    servers = [...(await listen(app.publicApp, '127.0.0.1', port)), ...(await listen(app.adminApp, '127.0.0.1', adminPort))];
    issuer = config.issuer;
    adminUrl = `http://127.0.0.1:${adminPort}`;
    const registered = await fetch(`${adminUrl}/admin/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Redis app', redirect_uris: [REDIRECT_URI], first_party: true }),
    });
    assert.equal(registered.status, 201);
    client = (await registered.json()) as typeof client;
  });

  after(async () => {
    await closeAll(servers);
    await app.close();
    inspect.disconnect();
    await redisServer.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Starts an authorization request (code + PKCE) and follows it to the login page. */
  async function startSignIn() {
    const verifier = randomBytes(32).toString('base64url');
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid email',
      state: randomUUID(),
      nonce: randomUUID(),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const browser = new Browser();
    const login = await browser.follow(auth.href);
    assert.equal(login.status, 200, login.body.slice(0, 300));
    return { browser, login, verifier };
  }

  async function codeFromMail(email: string): Promise<string> {
    for (let tries = 0; tries < 200; tries++) {
      const message = (await readMailDir(path.join(dataDir, 'mail'))).find((m) => m.to.includes(email));
      const code = message && /^\s*(\d{6})\s*$/m.exec(message.text)?.[1];
      if (code) return code;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no verification message for ${email}`);
  }

  /** A new person signs up through the pages; returns the code and its PKCE verifier. */
  async function signUpForCode(): Promise<{ code: string; verifier: string }> {
    const { browser, login, verifier } = await startSignIn();
    const registerHref = /href="([^"]*\/register)"/.exec(login.body)?.[1];
    assert.ok(registerHref, 'no link to the registration page');
    const registerPage = await browser.request(new URL(registerHref, login.url).href);
    const action = /<form[^>]*action="([^"]*\/register)"/.exec(registerPage.body)?.[1];
    const csrf = /name="csrf" value="([^"]+)"/.exec(registerPage.body)?.[1];
    assert.ok(action && csrf, 'no registration form');
    const email = `redis-${randomUUID()}@example.test`;
    const step = await browser.follow(new URL(action.replaceAll('&amp;', '&'), registerPage.url).href, { csrf, email, name: 'Redis Tester', password: 'correct horse battery staple 42' });
    // "Check your email": the code from the message this server wrote to DATA_DIR/mail.
    const emailed = await codeFromMail(email);
    const callback = await browser.follow(new URL(/<form[^>]*action="([^"]*\/verify-email\/code)"/.exec(step.body)![1]!, step.url).href, { csrf: /name="csrf" value="([^"]+)"/.exec(step.body)![1]!, code: emailed });
    const location = callback.location ?? '';
    assert.ok(location.startsWith(REDIRECT_URI), `no redirect to the client: ${callback.status} ${callback.body.slice(0, 300)}`);
    const code = new URL(location).searchParams.get('code');
    assert.ok(code);
    return { code, verifier };
  }

  async function redeem(code: string, verifier: string) {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }).toString(),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, string> };
  }

  const readyz = async () => {
    const response = await fetch(`${adminUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, string> } };
  };

  it('runs a code + PKCE flow with the code, tokens and session in Redis, and a replayed code revokes them', async () => {
    const { code, verifier } = await signUpForCode();
    const codeKey = `portcullis:oidc:AuthorizationCode:${code}`;
    assert.equal(await inspect.exists(codeKey), 1);
    const codeTtl = await inspect.pttl(codeKey);
    assert.ok(codeTtl > 0 && codeTtl <= 60_000, `code TTL ${codeTtl}`);

    const tokens = await redeem(code, verifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.ok(tokens.body.access_token && tokens.body.id_token);
    const atKey = `portcullis:oidc:AccessToken:${tokens.body.access_token}`;
    assert.equal(await inspect.exists(atKey), 1);
    assert.ok((await inspect.hget(codeKey, 'consumed')) !== null, 'the code is marked consumed');

    // Every artefact of the flow is in Redis, each with a TTL; none in PostgreSQL.
    const keys = await inspect.keys('portcullis:oidc:*');
    for (const model of ['Session', 'Grant', 'AuthorizationCode', 'AccessToken']) {
      assert.ok(keys.some((k) => k.startsWith(`portcullis:oidc:${model}:`)), `no ${model} in Redis (${keys.join(', ')})`);
    }
    for (const key of keys) assert.ok((await inspect.pttl(key)) > 0, `${key} has no TTL`);
    const rows = await app.db.primary.selectFrom('oidc_payloads').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(rows.n), 0);

    const replay = await redeem(code, verifier);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal(await inspect.exists(atKey), 0, 'the replay revoked the access token issued from the code');
  });

  it('is ready with PostgreSQL and Redis up, and /healthz is plain liveness', async () => {
    assert.deepEqual(await readyz(), { status: 200, body: { status: 'ready', checks: { primary: 'ok', reader: 'ok', redis: 'ok' } } });
    const health = await fetch(`${adminUrl}/healthz`);
    assert.equal(health.status, 200);
  });

  it('answers 503 with Retry-After within 5 s while Redis is frozen or down, and recovers when it is back', async (t) => {
    const { code, verifier } = await signUpForCode();
    const midway = await startSignIn();

    redisServer.freeze();
    try {
      let started = performance.now();
      const notReady = await readyz();
      const readyMs = performance.now() - started;
      assert.equal(notReady.status, 503);
      assert.deepEqual(notReady.body, { status: 'not_ready', checks: { primary: 'ok', reader: 'ok', redis: 'failed' } });
      started = performance.now();
      const token = await redeem(code, verifier);
      const tokenMs = performance.now() - started;
      t.diagnostic(`frozen Redis: /readyz 503 after ${Math.round(readyMs)} ms, token request 503 after ${Math.round(tokenMs)} ms`);
      assert.equal(token.status, 503, JSON.stringify(token.body));
      assert.equal(token.body.error, 'server_error');
      assert.equal(token.headers.get('retry-after'), '5');
      assert.ok(readyMs < 2000 && tokenMs < 5000, `${readyMs} / ${tokenMs} ms`);
    } finally {
      redisServer.thaw();
    }

    await redisServer.stop();
    try {
      let started = performance.now();
      assert.equal((await readyz()).status, 503);
      const readyMs = performance.now() - started;
      assert.equal((await fetch(`${adminUrl}/healthz`)).status, 200, 'liveness ignores dependencies');
      started = performance.now();
      const token = await redeem(code, verifier);
      const tokenMs = performance.now() - started;
      assert.equal(token.status, 503);
      assert.equal(token.headers.get('retry-after'), '5');
      // Our own pages answer the same way: the login page needs its interaction from Redis.
      const page = await midway.browser.request(midway.login.url);
      t.diagnostic(`stopped Redis: /readyz 503 after ${Math.round(readyMs)} ms, token request 503 after ${Math.round(tokenMs)} ms`);
      assert.equal(page.status, 503);
      assert.equal(page.headers.get('retry-after'), '5');
      assert.ok(readyMs < 2000 && tokenMs < 5000, `${readyMs} / ${tokenMs} ms`);
    } finally {
      await redisServer.start();
    }

    const started = performance.now();
    while ((await readyz()).status !== 200) {
      assert.ok(performance.now() - started < 5000, 'not ready again within 5 s of Redis coming back');
      await sleep(100);
    }
    t.diagnostic(`Redis back: ready again after ${Math.round(performance.now() - started)} ms`);
    // The restarted Redis lost everything (no persistence), but new flows work at once.
    const fresh = await signUpForCode();
    assert.equal((await redeem(fresh.code, fresh.verifier)).status, 200);
  });
});
