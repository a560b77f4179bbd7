/**
 * Reads and writes land where docs/architecture.md says: lag-tolerant reads on the replicas
 * (proven by the replicas' own pg_stat_statements, not by mocks), and read-your-writes for
 * anything used the moment it is created, through the primary fallback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, stackEnv, type TestServer } from '../support/test-server.js';
import { UserAgent } from '../support/user-agent.js';
import {
  authorizationRequest,
  callbackOf,
  createClient,
  followToClient,
  register,
  relyingParty,
  signIn,
  uniqueEmail,
  type RegisteredClient,
} from '../support/oidc-harness.js';
import { adminUrls, inParallel, query, replicaUrls, waitFor } from './stack-control.js';

const CLIENT_READS = `select coalesce(sum(calls), 0)::int as calls from pg_stat_statements
  where userid = 'portcullis'::regrole and query ilike '%from "clients"%'`;

describe('reads and writes in the production topology', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  /** A bare authorization request: the provider loads the client, nothing else. */
  const startSignIn = async (registered: RegisteredClient) => {
    const config = await relyingParty(server, registered);
    const request = await authorizationRequest(config, { redirect_uri: registered.redirect_uris[0]! });
    return fetch(request.url, { redirect: 'manual' });
  };

  it('sends client lookups to the replicas, proven by their own statement counters', async () => {
    // One sign-in per client: client metadata is cached per instance (oidc/client-cache.ts), so
    // only the first lookup of a client on an instance reaches the database.
    const registered = await inParallel(40, 8, () => createClient(server, { first_party: true }));
    const ids = registered.map((client) => client.client_id);
    for (const url of replicaUrls()) {
      await waitFor('the clients to reach every replica', async () => (await query(url, 'select 1 from clients where client_id = any($1)', [ids])).length === ids.length);
    }
    const servers = [stackEnv('STACK_DATABASE_URL'), ...replicaUrls()];
    for (const url of servers) await query(url, 'select pg_stat_statements_reset()');

    const responses = await inParallel(40, 10, (i) => startSignIn(registered[i]!));
    assert.ok(responses.every((r) => r.status === 303), `statuses: ${responses.map((r) => r.status).join(' ')}`);

    const [onPrimary, ...onReplicas] = await Promise.all(servers.map(async (url) => (await query<{ calls: number }>(url, CLIENT_READS))[0]!.calls));
    const total = onReplicas.reduce((a, b) => a + b, 0);
    assert.ok(total >= 40, `replicas served ${total} client reads for 40 requests (per replica: ${onReplicas.join(', ')})`);
    assert.ok(onReplicas.filter((calls) => calls > 0).length >= 2, `reads were not spread: ${onReplicas.join(', ')}`);
    assert.ok(onPrimary! < total, `the primary served ${onPrimary} client reads, the replicas ${total}`);
  });

  it('uses 200 clients the moment they are created (read-your-writes)', async () => {
    const admins = adminUrls();
    const outcomes = await inParallel(200, 8, async (i) => {
      const response = await fetch(`${admins[i % admins.length]}/admin/clients`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: `ryw-${i}`, redirect_uris: ['https://app.example.test/callback'], first_party: true }),
      });
      if (response.status !== 201) return `create ${response.status}`;
      const registered = (await response.json()) as RegisteredClient;
      const started = await startSignIn(registered);
      const location = started.headers.get('location') ?? '';
      return started.status === 303 && location.includes('/interaction/') ? 'ok' : `auth ${started.status} ${location}`;
    });
    const failures = outcomes.filter((o) => o !== 'ok');
    assert.deepEqual(failures, [], `${failures.length} of 200 failed`);
  });

  it('signs in 20 accounts the moment they are registered (read-your-writes)', async () => {
    const registered = await createClient(server, { first_party: true });
    const config = await relyingParty(server, registered);
    const outcomes = await inParallel(20, 4, async () => {
      const email = uniqueEmail('ryw');
      const first = new UserAgent();
      const signUp = await authorizationRequest(config, { redirect_uri: registered.redirect_uris[0]! });
      callbackOf(await register(first, await followToClient(first, signUp.url), email));
      const second = new UserAgent();
      const signInRequest = await authorizationRequest(config, { redirect_uri: registered.redirect_uris[0]! });
      const back = await signIn(second, await followToClient(second, signInRequest.url), email);
      return callbackOf(back).searchParams.get('code') ? 'ok' : 'no code';
    });
    assert.deepEqual(outcomes.filter((o) => o !== 'ok'), []);
  });
});
