/**
 * A graceful stop under load: while clients keep sending discovery and token requests through
 * Nginx, instance 2 gets SIGTERM (`stack.sh stop-app 2`). Its readiness turns false, its public
 * listener stops accepting, in-flight requests finish, and Nginx sends the rest to instance 1:
 * not one request fails. The instance is started again afterwards.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, stackEnv, type TestServer } from '../support/test-server.js';
import { createClient, endpointsOf, postForm, type Endpoints, type RegisteredClient } from '../support/oidc-harness.js';
import { adminUrls, stack } from './stack-control.js';

describe('SIGTERM under load behind Nginx', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let machine: RegisteredClient;

  before(async () => {
    // A suite before this one may have left instance 2 stopped; Nginx needs fail_timeout (5 s)
    // to send it traffic again after a restart.
    if (!(await fetch(`${adminUrls()[1]}/healthz`).then((r) => r.ok, () => false))) {
      await stack('start-app', '2');
      await new Promise((resolve) => setTimeout(resolve, 6000));
    }
    server = await startTestServer();
    endpoints = await endpointsOf(server);
    machine = await createClient(server, { grant_types: ['client_credentials'], redirect_uris: [], post_logout_redirect_uris: [] });
  });
  after(async () => {
    await stack('start-app', '2').catch(() => undefined);
    // Nginx puts the instance back in rotation after fail_timeout (5 s).
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await server.close();
  });

  it('loses no request while one instance shuts down', async (t) => {
    const failures: string[] = [];
    let requests = 0;
    let stopping = true;
    const worker = async (n: number) => {
      while (stopping) {
        const discovery = await fetch(`${server.issuer}/.well-known/openid-configuration`).then((r) => r.status, (e: Error) => e.message);
        const token = await postForm(endpoints.token, { grant_type: 'client_credentials' }, machine).then((r) => r.status, (e: Error) => e.message);
        requests += 2;
        if (discovery !== 200) failures.push(`worker ${n} discovery: ${discovery}`);
        if (token !== 200) failures.push(`worker ${n} token: ${token}`);
      }
    };
    const started = Date.now();
    const load = Promise.all([1, 2, 3, 4].map(worker));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const logBefore = (await readFile(path.join(stackEnv('STACK_DIR'), 'logs/app-2.log'), 'utf8')).length;
    await stack('stop-app', '2');
    const stoppedAfter = Date.now() - started - 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 5000 - (Date.now() - started))));
    stopping = false;
    await load;
    t.diagnostic(`${requests} requests, instance 2 stopped ${stoppedAfter} ms after SIGTERM`);
    assert.deepEqual(failures, [], `${failures.length} of ${requests} requests failed: ${[...new Set(failures.map((f) => f.replace(/^worker \d /, '')))].join(', ')}`);
    assert.ok(requests > 50, `only ${requests} requests`);
    assert.ok(stoppedAfter < 12_000, `the instance took ${stoppedAfter} ms to stop`);

    const shutdownLines = (await readFile(path.join(stackEnv('STACK_DIR'), 'logs/app-2.log'), 'utf8')).slice(logBefore).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const messages = shutdownLines.map((l) => l.message);
    const order = ['shutting down: not ready', 'public listener closed', 'stopped'].map((m) => messages.indexOf(m));
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), `shutdown steps: ${JSON.stringify(messages.slice(-10))}`);
    assert.equal(shutdownLines.find((l) => l.message === 'public listener closed')?.inFlightFinished, true);
  });
});
