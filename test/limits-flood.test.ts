/**
 * Anti-automation (SECURITY.md A13, A14): registration, second-factor codes and failed client
 * authentications at the token endpoint (and every endpoint that authenticates a client) answer a flood with 429 and Retry-After; pages say so
 * in role="alert". None of these limits can be aimed at someone else: a flood from one address
 * refuses neither the real client elsewhere nor another address.
 */
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { submitRegistration, uniqueEmail } from './support/pages.js';
import { alertText, UserAgent } from './support/user-agent.js';
import { enrolledUser, followOnServer, isCodeStep, submitAndFollow } from './support/mfa-journeys.js';

describe('floods get 429 + Retry-After', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ RATE_LIMIT_EXEMPT: '' }, {
      limits: {
        registrationPerAddress: { points: 4, durationSeconds: 3600 },
        mfaPerAccountAndAddress: [{ points: 3, durationSeconds: 600, blockSeconds: 120 }],
      },
    });
  });
  after(() => server.close());

  it('second-factor codes, across sign-in attempts, with one lockout event', async () => {
    const user = await enrolledUser(server);
    const signInToCodeStep = async () => {
      const agent = new UserAgent();
      const login = await followOnServer(server, agent, `${server.issuer}/demo/login`);
      const { page } = await submitAndFollow(server, agent, login, '/login', { email: user.email, password: user.password });
      assert.ok(isCodeStep(page));
      return { agent, page };
    };
    let { agent, page } = await signInToCodeStep();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      page = await agent.submit(page, '/totp', { code: '000000' });
      statuses.push(page.status);
    }
    // A new sign-in (password again) does not buy fresh guesses.
    ({ agent, page } = await signInToCodeStep());
    const limited = await agent.submit(page, '/totp', { code: (await user.clock.next()).code });
    assert.deepEqual(statuses, [401, 401, 401]);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.match(alertText(limited.body) ?? '', /Too many attempts/);
    const audit = await server.admin('GET', `/admin/audit?user=${encodeURIComponent(user.email)}`);
    const lockouts = (audit.body.events as { type: string; detail: Record<string, unknown> }[]).filter((e) => e.type === 'lockout');
    assert.deepEqual(lockouts.map((e) => [e.detail.factor, e.detail.scope]), [['mfa', 'account_address']]);
  });

  it('registration, per address', async () => {
    // The enrolled user of the code test registered once; this flood uses the other three.
    const pages = [];
    for (let i = 0; i < 4; i++) pages.push(await submitRegistration(server, { email: uniqueEmail('reg'), password: 'a fine registration passphrase' }));
    assert.deepEqual(pages.map((p) => p.status), [303, 303, 303, 429]);
    assert.ok(Number(pages[3]!.headers.get('retry-after')) > 0);
    assert.match(alertText(pages[3]!.body) ?? '', /Too many attempts/);
  });
});

describe('limits an attacker cannot aim at someone else (A14), with the default limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true', RATE_LIMIT_EXEMPT: '' });
  });
  after(() => server.close());

  const serviceClient = async () => {
    const created = await server.admin('POST', '/admin/clients', { client_name: 'Popular service', grant_types: ['client_credentials'], redirect_uris: [] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body as { client_id: string; client_secret: string };
  };
  const token = (clientId: string, secret: string, address: string) => fetch(`${server.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-for': address,
    },
    body: 'grant_type=client_credentials',
  });

  it("the token endpoint: 305 wrong secrets for a client from one address block that address's guesses, never the client elsewhere", async () => {
    const client = await serviceClient();
    const attacker = '203.0.113.40';
    const statuses = (await Promise.all(Array.from({ length: 305 }, () => token(client.client_id, 'wrong', attacker)))).map((r) => r.status);
    assert.deepEqual([...new Set(statuses)].sort(), [401, 429], JSON.stringify(statuses));

    const real = await token(client.client_id, client.client_secret, '198.51.100.40');
    assert.equal(real.status, 200, await real.clone().text());
    assert.ok(((await real.json()) as { access_token?: string }).access_token);

    const limited = await token(client.client_id, 'wrong', attacker);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(limited.headers.get('cache-control'), 'no-store');
    assert.equal(((await limited.json()) as { error: string }).error, 'temporarily_unavailable');
  });

  it("the token endpoint: a client's successful requests are not capped", async () => {
    const client = await serviceClient();
    const statuses: number[] = [];
    for (let batch = 0; batch < 7; batch++) {
      statuses.push(...(await Promise.all(Array.from({ length: 50 }, () => token(client.client_id, client.client_secret, '198.51.100.41')))).map((r) => r.status));
    }
    assert.deepEqual([...new Set(statuses)], [200], 'more than 300 successful requests in a minute, from one address');
  });

  it('1,500 requests at once from one address refuse no other address', async () => {
    // The flood runs in a thread of its own on kept-alive connections, as a client with a
    // connection pool floods, so the burst reaches the instance within a second; another
    // address asks once most of it is answered.
    const worker = new Worker(FLOOD, { eval: true, workerData: { url: `${server.issuer}/.well-known/openid-configuration`, flooder: '203.0.113.41', other: '198.51.100.42', count: 1500, otherAfter: 1100 } });
    try {
      const result = await new Promise<{ statuses: number[]; other: number }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      assert.equal(result.other, 200, 'another address during the flood');
      assert.deepEqual([...new Set(result.statuses)], [200]);
    } finally {
      await worker.terminate();
    }
  });
});

/** The flood's thread: `count` GETs from `flooder`, one from `other` after `otherAfter` answers. */
const FLOOD = `
const { parentPort, workerData: { url, flooder, other, count, otherAfter } } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
const get = (address) => new Promise((resolve, reject) => {
  http.get(url, { agent, headers: { 'x-forwarded-for': address } }, (response) => {
    response.resume();
    response.on('end', () => resolve(response.statusCode));
  }).on('error', reject);
});
let answered = 0;
let otherStatus;
Promise.all(Array.from({ length: count }, () => get(flooder).then((status) => {
  if (++answered === otherAfter) otherStatus = get(other);
  return status;
}))).then(async (statuses) => {
  parentPort.postMessage({ statuses, other: await otherStatus });
  agent.destroy();
});
`;

describe('failed client authentications are counted on every path to a client-authenticating endpoint', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true', RATE_LIMIT_EXEMPT: '', RATE_LIMIT_TOKEN_CLIENT_ADDRESS: '3/5m:5m', RATE_LIMIT_TOKEN_ADDRESS: '100/15m:15m' });
  });
  after(() => server.close());

  const serviceClient = async () => {
    const created = await server.admin('POST', '/admin/clients', { client_name: 'Guessed service', grant_types: ['client_credentials'], redirect_uris: [] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body as { client_id: string; client_secret: string };
  };
  const post = (path: string, clientId: string, secret: string, address: string, contentType = 'application/x-www-form-urlencoded', body = 'grant_type=client_credentials') =>
    fetch(`${server.issuer}${path}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': contentType, 'x-forwarded-for': address },
      body,
    });

  it('treats /TOKEN and /token/ as /token: the same counters refuse them', async () => {
    const client = await serviceClient();
    const attacker = '203.0.113.60';
    const statuses: number[] = [];
    for (const path of ['/token', '/TOKEN', '/token/', '/Token//', '/token', '/TOKEN']) statuses.push((await post(path, client.client_id, 'wrong', attacker)).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429]);
  });

  it('a 400 the provider answers before authenticating does not wipe the failures', async () => {
    const client = await serviceClient();
    const attacker = '203.0.113.61';
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      statuses.push((await post('/token', client.client_id, 'wrong', attacker)).status);
      statuses.push((await post('/token', client.client_id, 'wrong', attacker, 'text/plain', 'x')).status);
    }
    // The third wrong secret reaches the limit; the 400s in between cleared nothing.
    assert.deepEqual(statuses, [401, 400, 401, 400, 401, 429]);
    assert.equal((await post('/token', client.client_id, 'wrong', attacker)).status, 429);
    assert.equal((await post('/token', client.client_id, client.client_secret, '198.51.100.61')).status, 200, 'the client itself, elsewhere');
  });

  it('counts wrong secrets at introspection, revocation and pushed authorization requests too', async () => {
    const attackers: Record<string, string> = { '/token/introspection': '203.0.113.62', '/token/revocation': '203.0.113.63', '/request': '203.0.113.64' };
    for (const path of ['/token/introspection', '/token/revocation', '/request']) {
      const client = await serviceClient();
      const attacker = attackers[path]!;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await post(path, client.client_id, 'wrong', attacker, 'application/x-www-form-urlencoded', 'token=anything')).status);
      assert.deepEqual(statuses, [401, 401, 401, 429], path);
    }
  });

  it('counts wrong secrets at device authorization (RFC 8628 §3.1), and the client elsewhere still gets a code', async () => {
    const created = await server.admin('POST', '/admin/clients', { client_name: 'TV app', grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], redirect_uris: [] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const client = created.body as { client_id: string; client_secret: string };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post('/device/auth', client.client_id, 'wrong', '203.0.113.65', 'application/x-www-form-urlencoded', 'scope=openid')).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    const real = await post('/device/auth', client.client_id, client.client_secret, '198.51.100.65', 'application/x-www-form-urlencoded', 'scope=openid');
    assert.equal(real.status, 200, await real.clone().text());
    assert.equal(typeof ((await real.json()) as { user_code?: string }).user_code, 'string');
  });
});
