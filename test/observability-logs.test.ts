/**
 * Logs and metrics of a whole flow: one server whose every log line is captured (the
 * composition root takes the stream), a person who registers, signs in again (once with a
 * wrong password), a client that redeems the code, refreshes, introspects and logs out. No
 * secret the flow used may appear anywhere in the output; the request lines and metrics must
 * tell the story by route template, client and account.
 */
import { embeddedMailDir, registerMailDir } from './support/mail.js';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { loadConfig } from '@portcullis/config';
import { closeAll, createPortcullis, listen, type Portcullis } from '@portcullis/server';
import { freePort } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import {
  LOGOUT_REDIRECT_URI,
  PASSWORD,
  authorizationRequest,
  callbackOf,
  followToClient,
  isConsentPage,
  allow,
  register,
  uniqueEmail,
  postForm,
} from './support/oidc-harness.js';

interface Captured {
  lines: string[];
  stream: Writable;
}

function capture(): Captured {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, stream };
}

describe('observability of a full flow', () => {
  let app: Portcullis;
  let servers: Awaited<ReturnType<typeof listen>>;
  let issuer: string;
  let adminUrl: string;
  let dataDir: string;
  const out = capture();
  const secrets: Record<string, string> = {};
  let clientId: string;
  let accountId: string;
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

  before(async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-obs-'));
    const config = loadConfig({ PORT: String(port), ADMIN_PORT: String(adminPort), DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'debug', RATE_LIMIT_EXEMPT: '127.0.0.1,::1', METRICS_MAX_CLIENT_LABELS: '1' });
    app = await createPortcullis(config, { inMemoryDatabase: true, logStream: out.stream, processMetrics: false });
    servers = [...(await listen(app.publicApp, '127.0.0.1', port)), ...(await listen(app.adminApp, '127.0.0.1', adminPort))];
    issuer = config.issuer;
    registerMailDir(issuer, embeddedMailDir(dataDir));
    adminUrl = `http://127.0.0.1:${adminPort}`;
    secrets.adminToken = app.adminToken;
    secrets.password = PASSWORD;
  });
  after(async () => {
    await closeAll(servers);
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const admin = async (method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`${adminUrl}${pathname}`, { method, headers: { authorization: `Bearer ${app.adminToken}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('runs register, sign-in, code exchange, refresh, introspection and logout', async () => {
    const created = await admin('POST', '/admin/clients', { client_name: 'Observed App', redirect_uris: ['https://app.example.test/callback'], post_logout_redirect_uris: [LOGOUT_REDIRECT_URI], scope: 'openid email profile offline_access', first_party: true });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    clientId = created.body.client_id as string;
    secrets.clientSecret = created.body.client_secret as string;
    const registered = { client_id: clientId, client_secret: secrets.clientSecret, redirect_uris: ['https://app.example.test/callback'], post_logout_redirect_uris: [LOGOUT_REDIRECT_URI], token_endpoint_auth_method: 'client_secret_basic' };
    const config = await client.discovery(new URL(issuer), clientId, secrets.clientSecret, client.ClientSecretBasic(secrets.clientSecret), { execute: [client.allowInsecureRequests] });

    const agent = new UserAgent();
    const email = uniqueEmail('observed');
    const request = await authorizationRequest(config, { scope: 'openid email offline_access' });
    let page = await register(agent, await followToClient(agent, request.url), email);
    if (isConsentPage(page)) page = await allow(agent, page);
    const callback = callbackOf(page);
    secrets.code = callback.searchParams.get('code')!;
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    secrets.codeVerifier = request.codeVerifier;
    secrets.accessToken = tokens.access_token;
    secrets.refreshToken = tokens.refresh_token!;
    secrets.idToken = tokens.id_token!;
    accountId = tokens.claims()!.sub;

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    secrets.accessToken2 = refreshed.access_token;
    secrets.refreshToken2 = refreshed.refresh_token!;
    // Reuse of the rotated-away refresh token: detected, the grant revoked.
    const reused = await postForm(`${issuer}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, registered);
    assert.equal(reused.status, 400);

    const introspected = await postForm(`${issuer}/token/introspection`, { token: refreshed.access_token }, registered, { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'observed-introspection-1' });
    assert.equal(introspected.status, 200);

    // A wrong password, then a right one, in a new browser.
    const other = new UserAgent();
    const second = await authorizationRequest(config, { scope: 'openid' });
    const login = await followToClient(other, second.url);
    secrets.wrongPassword = 'not the password, but also secret 99';
    const refused = await other.submit(login, '/login', { email, password: secrets.wrongPassword });
    assert.equal(refused.status, 401);

    const endSession = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGOUT_REDIRECT_URI });
    const confirm = await agent.request(endSession.href);
    const form = /<form id="op\.logoutForm" method="post" action="([^"]+)"><input type="hidden" name="xsrf" value="([^"]+)"\/>/.exec(confirm.body)!;
    const done = await agent.request(new URL(form[1]!.replaceAll('&amp;', '&'), confirm.url).href, { form: { xsrf: form[2]!, logout: 'yes' } });
    assert.ok(done.status === 302 || done.status === 303);

    for (const cookie of [...(await agent.jar.getCookies(issuer)), ...(await other.jar.getCookies(issuer))]) {
      if (cookie.value.length >= 8) secrets[`cookie:${cookie.key}`] = cookie.value;
    }
    // Lines are written synchronously by the stream transport; give winston one tick.
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('logs no password, code, token, secret, cookie or admin token', () => {
    const all = out.lines.join('\n');
    assert.ok(out.lines.length > 20, `only ${out.lines.length} lines captured`);
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(value && value.length >= 8, `${name} was captured`);
      assert.equal(all.includes(value), false, `the log holds the ${name}`);
    }
    assert.equal(/authorization"?\s*:\s*"(basic|bearer)/i.test(all), false, 'an authorization header value');
  });

  it('writes one JSON line per request with route template, status, duration, ids and trace id', () => {
    const requests = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.kind === 'request');
    const token = requests.find((line) => line.route === '/token' && line.status === 200);
    assert.ok(token, 'a request line for the token endpoint, by its route name');
    assert.equal(token.clientId, clientId);
    assert.equal(typeof token.durationMs, 'number');
    assert.equal(typeof token.requestId, 'string');
    assert.ok(typeof token.timestamp === 'string' && token.level === 'info');
    const login = requests.find((line) => line.route === '/interaction/:uid/login' && line.status === 401);
    assert.ok(login, 'the failed sign-in, by its template');
    const introspection = requests.find((line) => line.requestId === 'observed-introspection-1');
    assert.equal(introspection?.traceId, traceId);
    assert.equal(introspection?.route, '/token/introspection');
    const registration = requests.find((line) => line.route === '/interaction/:uid/register' && line.method === 'POST');
    assert.equal(registration?.accountId, accountId, 'the account a request concerned');
    assert.ok(requests.every((line) => typeof line.route === 'string' && !String(line.route).includes('?')));
  });

  it('writes security events as their own lines', () => {
    const events = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.kind === 'security');
    assert.ok(events.some((e) => e.event === 'account.registered' && e.accountId === accountId));
    assert.ok(events.some((e) => e.event === 'signin' && e.outcome === 'failure' && e.reason === 'wrong_password' && e.level === 'warn'), JSON.stringify(events));
  });

  it('serves the metrics on the admin listener only, by route template and bounded client label', async () => {
    const publicAnswer = await fetch(`${issuer}/metrics`);
    assert.notEqual(publicAnswer.status, 200);
    // The second and third of each are answered from the precomputed documents, not by the provider.
    for (let i = 0; i < 3; i++) {
      for (const path of ['/.well-known/openid-configuration', '/jwks']) assert.equal((await fetch(`${issuer}${path}`)).status, 200);
    }
    const text = await (await fetch(`${adminUrl}/metrics`)).text();
    const has = (pattern: RegExp) => assert.match(text, pattern);
    has(/portcullis_http_requests_total\{listener="public",method="GET",route="\/jwks",status="200"\} ([3-9]|\d\d+)\n/);
    has(/portcullis_http_requests_total\{listener="public",method="GET",route="\/\.well-known\/openid-configuration",status="200"\} ([3-9]|\d\d+)\n/);
    assert.doesNotMatch(text, /route="unmatched",status="200"/, 'a document answered from the cache is labelled by its route');
    has(/portcullis_http_requests_total\{listener="public",method="POST",route="\/token",status="200"\} \d+/);
    has(/portcullis_http_requests_total\{listener="public",method="GET",route="unmatched",status="404"\} 1/);
    has(new RegExp(`portcullis_oidc_tokens_issued_total\\{grant_type="authorization_code",client="(${clientId}|other)"\\} 1`));
    has(/portcullis_oidc_tokens_issued_total\{grant_type="refresh_token",client="[^"]+"\} 1/);
    has(/portcullis_oidc_refresh_token_reuse_total\{client="[^"]+"\} 1/);
    has(/portcullis_oidc_token_errors_total\{error="invalid_grant",client="[^"]+"\} 1/);
    has(/portcullis_oidc_logouts_total\{client="[^"]+"\} 1/);
    has(/portcullis_signins_total\{outcome="failure",reason="wrong_password"\} 1/);
    has(/portcullis_account_registrations_total\{outcome="success"\} 1/);
    has(/portcullis_password_hash_duration_seconds_count\{operation="hash"\} [1-9]/);
    has(/portcullis_adapter_operation_duration_seconds_count\{backend="primary",model="AuthorizationCode",operation="consume",outcome="ok"\} 1/);
    has(/portcullis_ready 1/);
    has(/portcullis_dependency_up\{dependency="primary"\} 1/);
    assert.doesNotMatch(text, /route="\/interaction\/[A-Za-z0-9_-]{10,}/, 'no raw interaction path');
    // METRICS_MAX_CLIENT_LABELS=1: the built-in account client took the one label or ours did; never more.
    const clients = new Set([...text.matchAll(/client="([^"]+)"/g)].map((m) => m[1]).filter((c) => c !== 'other' && c !== 'none'));
    assert.ok(clients.size <= 1, `client labels: ${[...clients].join(', ')}`);
  });

  it('turns not ready as soon as it drains', async () => {
    assert.equal((await fetch(`${adminUrl}/readyz`)).status, 200);
    app.drain();
    const answer = await fetch(`${adminUrl}/readyz`);
    assert.equal(answer.status, 503);
    assert.equal(((await answer.json()) as { draining?: boolean }).draining, true);
  });
});
