/**
 * Anti-automation (SECURITY.md A13): registration, second-factor codes and the token endpoint
 * answer a flood with 429 and Retry-After; pages say so in role="alert".
 */
import assert from 'node:assert/strict';
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
        tokenPerClient: { points: 20, durationSeconds: 60 },
      },
    });
  });
  after(() => server.close());

  it('the token endpoint, per client (Basic auth username)', async () => {
    const basic = (id: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:wrong-secret`).toString('base64')}`;
    const post = (id: string) => fetch(`${server.issuer}/token`, { method: 'POST', headers: { authorization: basic(id), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    const statuses = (await Promise.all(Array.from({ length: 25 }, () => post('flooding-client')))).map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 429).length, 5, JSON.stringify(statuses));
    const limited = await post('flooding-client');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(((await limited.json()) as { error: string }).error, 'temporarily_unavailable');
    assert.notEqual((await post('another-client')).status, 429, 'another client has its own budget');
  });

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
