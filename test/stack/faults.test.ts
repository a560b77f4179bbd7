/**
 * Faults in the production topology, each with the outcome of real requests asserted, and the
 * stack restored afterwards. Runs alone (test concurrency 1): every case changes shared state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import * as client from 'openid-client';
import { stackEnv, type TestServer } from '../support/test-server.js';
import { UserAgent } from '../support/user-agent.js';
import {
  authorizationRequest,
  callbackOf,
  followToClient,
  postForm,
  register,
  relyingParty,
  uniqueEmail,
  type Endpoints,
  type RegisteredClient,
  openOidcServer,
} from '../support/oidc-harness.js';
import { adminUrls, haproxyStates, inParallel, query, stack, waitFor } from './stack-control.js';

describe('faults in the production topology', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let web: RegisteredClient;
  let machine: RegisteredClient;

  before(async () => {
    ({ server, endpoints, web, machine } = await openOidcServer({ machine: true }));
  });
  after(async () => {
    // Whatever a failed case left behind, hand the next suite a whole stack.
    await stack('up').catch(() => undefined);
    await server.close();
  });

  /** Authorization requests: each loads the client through the reader (the replicas). */
  const readBurst = async (count: number) => {
    const config = await relyingParty(server, web);
    return inParallel(count, 8, async () => {
      const request = await authorizationRequest(config, { redirect_uri: web.redirect_uris[0]! });
      return (await fetch(request.url, { redirect: 'manual' })).status;
    });
  };
  const clientCredentials = () => postForm(endpoints.token, { grant_type: 'client_credentials', scope: 'openid' }, machine);
  /** Nginx puts an instance that failed back in rotation only after `fail_timeout` (5 s). */
  const startApp = async (n: string) => {
    await stack('start-app', n);
    await new Promise((resolve) => setTimeout(resolve, 6000));
  };
  const readyz = async (adminUrl: string) => (await fetch(`${adminUrl}/readyz`, { signal: AbortSignal.timeout(5000) })).status;

  it('keeps serving reads with one replica stopped, once HAProxy has noticed', async () => {
    await stack('stop-replica', '1');
    try {
      const states = await haproxyStates();
      assert.equal(states.pg1, 'DOWN', `HAProxy still sees ${JSON.stringify(states)}`);
      const statuses = await readBurst(40);
      assert.deepEqual(statuses.filter((s) => s !== 303), [], `statuses: ${statuses.join(' ')}`);
    } finally {
      await stack('start-replica', '1');
    }
  });

  it('falls back to the primary for reads when every replica is stopped', async () => {
    for (const n of ['1', '2', '3']) await stack('stop-replica', n);
    try {
      const rows = await query<{ recovery: boolean }>(stackEnv('STACK_READ_URL'), 'select pg_is_in_recovery() as recovery');
      assert.equal(rows[0]?.recovery, false, 'the read port now reaches the primary');
      const statuses = await readBurst(20);
      assert.deepEqual(statuses.filter((s) => s !== 303), [], `statuses: ${statuses.join(' ')}`);
      for (const url of adminUrls()) assert.equal(await readyz(url), 200, `${url} stays ready on the primary`);
    } finally {
      for (const n of ['1', '2', '3']) await stack('start-replica', n);
    }
  });

  it('completes a sign-in when the instances die one after the other mid-flow', async () => {
    const config = await relyingParty(server, web);
    const request = await authorizationRequest(config, { redirect_uri: web.redirect_uris[0]! });
    const agent = new UserAgent();
    const loginPage = await followToClient(agent, request.url);
    await stack('kill-app', '1');
    let back;
    try {
      back = await register(agent, loginPage, uniqueEmail('killed'));
    } finally {
      await startApp('1');
    }
    await stack('kill-app', '2');
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackOf(back), {
        pkceCodeVerifier: request.codeVerifier,
        expectedNonce: request.nonce,
        expectedState: request.state,
      });
      assert.ok(tokens.access_token);
    } finally {
      await startApp('2');
    }
  });

  it('keeps sessions and grants across a Redis restart, and consumed codes stay consumed', async () => {
    const config = await relyingParty(server, web);
    const request = await authorizationRequest(config, { redirect_uri: web.redirect_uris[0]!, scope: 'openid email offline_access' });
    const agent = new UserAgent();
    const callback = callbackOf(await register(agent, await followToClient(agent, request.url), uniqueEmail('redis')));
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    assert.ok(tokens.refresh_token, 'a refresh token (the grant) exists before the restart');

    await stack('restart-redis');
    await waitFor('both instances ready again', async () => (await Promise.all(adminUrls().map(readyz))).every((s) => s === 200));

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.access_token, 'the grant survived: its refresh token still works');

    const silent = await authorizationRequest(config, { redirect_uri: web.redirect_uris[0]!, prompt: 'none' });
    const page = await followToClient(agent, silent.url);
    assert.ok(callbackOf(page).searchParams.get('code'), `the session survived: ${page.location}`);

    const replay = await postForm(endpoints.token, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: web.redirect_uris[0]!, code_verifier: request.codeVerifier }, web);
    assert.equal(replay.status, 400, replay.text);
    assert.equal(replay.body.error, 'invalid_grant', 'a consumed code stays consumed');
  });

  it('fails readiness and answers token requests with 503 within 5 s while Redis is down', async () => {
    await stack('stop-redis');
    try {
      for (const url of adminUrls()) {
        const started = Date.now();
        assert.equal(await readyz(url), 503, `${url} readiness`);
        assert.ok(Date.now() - started < 2500, `readiness took ${Date.now() - started} ms`);
      }
      const started = Date.now();
      const response = await clientCredentials();
      const took = Date.now() - started;
      assert.equal(response.status, 503, response.text);
      assert.ok(took < 5000, `the token request took ${took} ms`);
      assert.ok(response.headers.get('retry-after'), 'Retry-After is set');
      assert.equal(response.body?.access_token, undefined, 'no token without its stored record');
    } finally {
      await stack('start-redis');
    }
    await waitFor('both instances ready again', async () => (await Promise.all(adminUrls().map(readyz))).every((s) => s === 200));
    assert.equal((await clientCredentials()).status, 200, 'tokens are issued again');
  });

  it('answers 503 fast while the PgBouncer pool is exhausted', async () => {
    const size = Number(stackEnv('STACK_PGBOUNCER_POOL_SIZE'));
    const holders = Array.from({ length: size }, () => new pg.Client({ connectionString: stackEnv('STACK_PGBOUNCER_URL') }));
    await Promise.all(holders.map((h) => h.connect()));
    // Each holder keeps one server connection busy inside a transaction for 8 s.
    const busy = holders.map((h) => h.query('begin').then(() => h.query('select pg_sleep(8)')).catch(() => undefined));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      const created = await server.admin('POST', '/admin/clients', { client_name: 'starved', grant_types: ['client_credentials'] });
      const took = Date.now() - started;
      assert.equal(created.status, 503, JSON.stringify(created.body));
      assert.ok(took < 5000, `the write took ${took} ms to fail`);
    } finally {
      await Promise.all(busy);
      await Promise.all(holders.map((h) => h.end().catch(() => undefined)));
    }
    await waitFor('the pool to recover', async () => (await server.admin('POST', '/admin/clients', { client_name: 'fed', grant_types: ['client_credentials'] })).status === 201);
  });
});
