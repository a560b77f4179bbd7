/**
 * The audit log: every audited action writes exactly one event, read back through
 * GET /admin/audit (user, since and limit filters) and the `portcullis audit` CLI.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import { enrolOnAccountPage, followOnServer, recoveryCodesOf, registerOnAccountPage, stepUpOnAccountPage, submitAndFollow } from './support/mfa-journeys.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('audit log', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const eventsOf = async (query: string) => {
    const response = await server.admin('GET', `/admin/audit?${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.events as { type: string; outcome: string; email: string | null; client_id: string | null; ip: string | null; detail: Record<string, unknown> }[];
  };
  const tally = (events: { type: string; outcome: string }[]) => {
    const counts: Record<string, number> = {};
    for (const e of events) counts[`${e.type}:${e.outcome}`] = (counts[`${e.type}:${e.outcome}`] ?? 0) + 1;
    return counts;
  };

  it('records each account action exactly once, with outcome, client and address, and no secret', async () => {
    const user = await registerOnAccountPage(server);
    const { clock, codes } = await enrolOnAccountPage(server, user.agent);

    // Sign-in: a wrong password, then the password, a wrong code, a right code.
    const agent = new UserAgent();
    const login = await followOnServer(server, agent, `${server.issuer}/demo/login`);
    await agent.submit(login, '/login', { email: user.email, password: 'not the password' });
    const { page: codeStep } = await submitAndFollow(server, agent, login, '/login', { email: user.email, password: user.password });
    const wrong = await agent.submit(codeStep, '/totp', { code: '000000' });
    await submitAndFollow(server, agent, wrong, '/totp', { code: (await clock.next()).code });

    // Account page: a step-up (this session signed in before the app was on), regenerate codes,
    // change the password, turn TOTP off, sign out.
    await stepUpOnAccountPage(server, user.agent, clock);
    const regenerate = await followOnServer(server, user.agent, `${server.issuer}/account/recovery-codes`);
    const { page: regenerated } = await submitAndFollow(server, user.agent, regenerate, '/account/recovery-codes', { code: (await clock.next()).code });
    const fresh = recoveryCodesOf(regenerated);
    assert.equal(fresh.length, 10);
    const password = await followOnServer(server, user.agent, `${server.issuer}/account/password`);
    await submitAndFollow(server, user.agent, password, '/account/password', { current_password: user.password, new_password: 'an audited new passphrase', confirm_password: 'an audited new passphrase' });
    const disable = await followOnServer(server, user.agent, `${server.issuer}/account/totp/disable`);
    await submitAndFollow(server, user.agent, disable, '/account/totp/disable', { code: codes[0]! }); // the old set: refused
    await submitAndFollow(server, user.agent, disable, '/account/totp/disable', { code: fresh[0]! });
    const home = await followOnServer(server, user.agent, `${server.issuer}/account`);
    await submitAndFollow(server, user.agent, home, '/account/logout', {});

    const events = await eventsOf(`user=${encodeURIComponent(user.email.toUpperCase())}`);
    assert.deepEqual(tally(events), {
      'account.registered:success': 1,
      'email.verification_sent:success': 1,
      'email.verified:success': 1,
      'mfa.enabled:success': 1,
      'signin:failure': 1,
      'signin:success': 1,
      'mfa.verify:failure': 1,
      'mfa.verify:success': 2,
      'mfa.recovery_codes_regenerated:success': 1,
      'password.changed:success': 1,
      'mfa.disabled:failure': 1,
      'mfa.disabled:success': 1,
      'session.revoked:success': 1,
    });
  });

  it('records what happened, from where, and never a secret', async () => {
    const user = await registerOnAccountPage(server);
    const agent = new UserAgent();
    const login = await followOnServer(server, agent, `${server.issuer}/demo/login`);
    await agent.submit(login, '/login', { email: user.email, password: 'wrong passphrase here' });
    const [failure] = await eventsOf(`user=${encodeURIComponent(user.email)}&limit=1`);
    assert.equal(failure!.type, 'signin');
    assert.equal(failure!.outcome, 'failure');
    assert.equal(failure!.client_id, 'portcullis-demo');
    assert.equal(failure!.email, user.email);
    assert.match(failure!.ip ?? '', /127\.0\.0\.1|::1/);
    assert.deepEqual(failure!.detail, { reason: 'wrong_password' });
    const all = JSON.stringify(await eventsOf('limit=1000'));
    assert.ok(!all.includes('wrong passphrase here') && !all.includes(user.password), 'no password in the log');

    // An unknown email is kept (it is an email, not a mistyped password) and found by `user`;
    // something that is not an email (a password typed in the wrong field) is not.
    const ghost = `ghost-${Date.now()}@example.com`;
    const stranger = new UserAgent();
    const again = await followOnServer(server, stranger, `${server.issuer}/demo/login`);
    await stranger.submit(again, '/login', { email: ghost, password: 'whatever it is' });
    await stranger.submit(again, '/login', { email: 'my secret passphrase', password: 'whatever it is' });
    const ghostEvents = await eventsOf(`user=${encodeURIComponent(ghost)}`);
    assert.deepEqual(ghostEvents.map((e) => [e.type, e.outcome, e.detail.reason]), [['signin', 'failure', 'unknown_account']]);
    assert.ok(!JSON.stringify(await eventsOf('limit=1000')).includes('my secret passphrase'));
  });

  it('records client changes and key rotations made through the admin API exactly once', async () => {
    const created = await server.admin('POST', '/admin/clients', { client_name: 'Audited', redirect_uris: ['https://audited.example/cb'] });
    const id = created.body.client_id as string;
    await server.admin('PATCH', `/admin/clients/${id}`, { client_name: 'Audited 2' });
    await server.admin('POST', `/admin/clients/${id}/rotate-secret`);
    await server.admin('DELETE', `/admin/clients/${id}`);
    await server.admin('POST', '/admin/keys/rotate');
    const events = await eventsOf('since=15m&limit=1000');
    const mine = events.filter((e) => e.client_id === id);
    assert.deepEqual(tally(mine), { 'client.created:success': 1, 'client.updated:success': 1, 'client.secret_rotated:success': 1, 'client.deleted:success': 1 });
    assert.deepEqual(mine.find((e) => e.type === 'client.updated')!.detail, { fields: ['client_name'] });
    assert.ok(!JSON.stringify(mine).includes(created.body.client_secret), 'no client secret in the log');
    assert.equal(events.filter((e) => e.type === 'key.rotated').length, 1);
  });

  it('refuses bad filters with 400', async () => {
    for (const query of ['since=1w', 'since=0m', 'limit=0', 'limit=5000', 'user=not@an@email']) {
      const response = await server.admin('GET', `/admin/audit?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error, 'audit.invalid');
    }
  });

  it('is shown by `portcullis audit --user --since --json`', async () => {
    const user = await registerOnAccountPage(server);
    const env = { ...process.env, ADMIN_HOST: '127.0.0.1', ADMIN_PORT: new URL(server.adminUrl).port, DATA_DIR: server.dataDir, ADMIN_TOKEN: '' };
    const run = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: root, env }, (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        });
      });
    const json = await run('audit', '--user', user.email, '--since', '1h', '--json');
    assert.equal(json.code, 0, json.stderr);
    const { events } = JSON.parse(json.stdout);
    assert.deepEqual(events.map((e: any) => e.type).sort(), ['account.registered', 'email.verification_sent', 'email.verified']);
    const table = await run('audit', '--user', user.email);
    assert.match(table.stdout, /^TIME +TYPE +OUTCOME +USER/m);
    assert.match(table.stdout, /account\.registered +success/);
    const bad = await run('audit', '--since', 'yesterday');
    assert.equal(bad.code, 2);
  });
});
