/**
 * Observability of the production topology, end to end: real traffic through Nginx, a real
 * Prometheus (infra/local/observability.sh) scraping both instances' admin listeners, and a real
 * rsyslog collecting their logs.
 * - every PromQL query of every Grafana dashboard returns data from that Prometheus;
 * - a flow's request id reaches the central log file;
 * - the dependency gauges follow a Redis outage within seconds, both ways.
 */
import assert from 'node:assert/strict';
import { open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, stackEnv, type TestServer } from '../support/test-server.js';
import { UserAgent } from '../support/user-agent.js';
import { authorizationRequest, callbackOf, createClient, followToClient, postForm, register, relyingParty, signIn, uniqueEmail, type RegisteredClient } from '../support/oidc-harness.js';
import { adminUrls, stack, waitFor } from './stack-control.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

async function dashboardQueries(): Promise<PanelQuery[]> {
  const dir = path.join(root, 'deploy/grafana/dashboards');
  const queries: PanelQuery[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { title: string; panels: { title: string; targets?: { expr: string }[] }[] };
    for (const panel of dashboard.panels) for (const target of panel.targets ?? []) queries.push({ dashboard: dashboard.title, panel: panel.title, expr: target.expr });
  }
  return queries;
}

async function promQuery(expr: string): Promise<{ status: string; data: { result: unknown[] } }> {
  const url = new URL('/api/v1/query', stackEnv('STACK_PROMETHEUS_URL'));
  url.searchParams.set('query', expr);
  return (await (await fetch(url)).json()) as { status: string; data: { result: unknown[] } };
}

/**
 * The last `bytes` of a file: the central log of a long-lived local stack grows past what one
 * string can hold (a few benchmark runs write a gigabyte), and the lines looked for are recent.
 */
const TAIL_BYTES = 32 * 1024 * 1024;
async function readTail(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

describe('observability of the production stack', () => {
  let server: TestServer;
  let web: RegisteredClient;
  let tokenRequestId: string;
  const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

  before(async () => {
    server = await startTestServer();
    web = await createClient(server, { first_party: true });
  });
  after(async () => {
    await stack('start-redis').catch(() => undefined);
    await server.close();
  });

  it('serves traffic through Nginx: registration, sign-in (one wrong password), tokens, refresh, introspection', async () => {
    const config = await relyingParty(server, web);
    const email = uniqueEmail('observed');
    const first = await authorizationRequest(config, { scope: 'openid email offline_access', redirect_uri: web.redirect_uris[0]! });
    const agent = new UserAgent();
    const callback = callbackOf(await register(agent, await followToClient(agent, first.url), email));
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: first.codeVerifier, expectedNonce: first.nonce, expectedState: first.state });
    await client.refreshTokenGrant(config, tokens.refresh_token!);

    const other = new UserAgent();
    const second = await authorizationRequest(config, { scope: 'openid', redirect_uri: web.redirect_uris[0]! });
    const login = await followToClient(other, second.url);
    assert.equal((await other.submit(login, '/login', { email, password: 'wrong password, twice over' })).status, 401);
    const again = await followToClient(other, second.url);
    const code = callbackOf(await signIn(other, again, email)).searchParams.get('code')!;
    const exchanged = await postForm(`${server.issuer}/token`, { grant_type: 'authorization_code', code, code_verifier: second.codeVerifier, redirect_uri: web.redirect_uris[0]! }, web, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    assert.equal(exchanged.status, 200, exchanged.text);
    tokenRequestId = exchanged.headers.get('x-request-id')!;
    assert.ok(tokenRequestId);
    assert.equal((await postForm(`${server.issuer}/token/introspection`, { token: tokens.access_token }, web)).status, 200);
    assert.equal((await fetch(`${server.issuer}/no-such-page-${Date.now()}`)).status, 404);
  });

  it('ships the flow\'s request lines to the central collector (rsyslog)', async () => {
    const file = stackEnv('STACK_CENTRAL_LOG');
    let line: Record<string, unknown> | undefined;
    await waitFor('the token request in the central log', async () => {
      const text = await readTail(file, TAIL_BYTES);
      const found = text.split('\n').find((l) => l.includes(tokenRequestId) && l.includes('"kind":"request"'));
      line = found ? (JSON.parse(found) as Record<string, unknown>) : undefined;
      return line !== undefined;
    }, 15_000);
    assert.equal(line!.route, '/token');
    assert.equal(line!.status, 200);
    assert.equal(line!.clientId, web.client_id);
    assert.equal(line!.traceId, traceId);
  });

  it('answers every dashboard panel query with data from a real Prometheus scraping both instances', async () => {
    await waitFor('Prometheus scraping both instances', async () => {
      const up = await promQuery('up{job="portcullis"} == 1');
      return up.data.result.length === adminUrls().length;
    }, 30_000);
    await waitFor('the traffic in Prometheus', async () => (await promQuery('portcullis_oidc_tokens_issued_total{grant_type="refresh_token"}')).data.result.length > 0, 30_000);
    // Two more scrapes, so rate() over the new series has two samples.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const queries = await dashboardQueries();
    assert.ok(queries.length >= 30, `only ${queries.length} panel queries`);
    const empty: string[] = [];
    await waitFor('every panel query to return data', async () => {
      empty.length = 0;
      for (const query of queries) {
        const answer = await promQuery(query.expr);
        assert.equal(answer.status, 'success', `${query.dashboard} / ${query.panel}: ${query.expr}`);
        if (answer.data.result.length === 0) empty.push(`${query.dashboard} / ${query.panel}: ${query.expr}`);
      }
      return empty.length === 0;
    }, 20_000).catch(() => undefined);
    assert.deepEqual(empty, [], 'panels without data');
  });

  it('turns the Redis gauge to 0 within seconds of an outage, and back to 1 after it', async () => {
    const redisGauge = async (adminUrl: string) => {
      const text = await (await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
      return /^portcullis_dependency_up\{dependency="redis"\} (\S+)$/m.exec(text)?.[1];
    };
    await stack('stop-redis');
    try {
      const stopped = Date.now();
      await waitFor('redis gauge 0 on every instance', async () => (await Promise.all(adminUrls().map(redisGauge))).every((v) => v === '0'), 8000);
      assert.ok(Date.now() - stopped < 8000);
    } finally {
      await stack('start-redis');
    }
    await waitFor('redis gauge 1 on every instance', async () => (await Promise.all(adminUrls().map(redisGauge))).every((v) => v === '1'), 10_000);
  });
});
