/**
 * The `portcullis` CLI as a separate process against a real server, for what issue 16 asked of
 * it: switching a client's kind, deleting only when confirmed, read-only built-in clients, a
 * closed pipe ending quietly, audit events of disable/enable/unlock found by account id, and
 * list bounds checked before a request.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './support/test-server.js';
import { registerAccount, uniqueEmail } from './support/pages.js';
import { UserAgent } from './support/user-agent.js';
import { enrolledUser, followOnServer, PASSWORD, submitAndFollow } from './support/mfa-journeys.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = ['--import', 'tsx', 'packages/cli/src/main.ts'];

describe('portcullis CLI (issue 16) against a running server', () => {
  let server: TestServer;
  let env: Record<string, string>;
  const cli = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [...CLI, ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });

  before(async () => {
    // Three wrong passwords lock an account out everywhere, so `users show` has a lockout to show.
    server = await startTestServer({}, { limits: { passwordPerAccount: { points: 3, durationSeconds: 3600 } } });
    env = { ADMIN_HOST: '127.0.0.1', ADMIN_PORT: new URL(server.adminUrl).port, DATA_DIR: server.dataDir, ADMIN_TOKEN: '' };
  });
  after(() => server.close());

  it('clients update --public drops the secret; --no-public issues a new one, shown once', async () => {
    const created = JSON.parse((await cli('clients', 'create', '--name', 'Kind', '--redirect-uri', 'https://kind.example/cb', '--json')).stdout);
    const toPublic = await cli('clients', 'update', created.client_id, '--public', '--json');
    assert.equal(toPublic.code, 0, toPublic.stderr);
    assert.equal(JSON.parse(toPublic.stdout).token_endpoint_auth_method, 'none');
    const back = await cli('clients', 'update', created.client_id, '--no-public');
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /^Client secret +\S{32,}$/m);
    assert.match(back.stdout, /shown only once/);
  });

  it('clients delete refuses without a terminal or --yes, and deletes with --yes', async () => {
    const created = JSON.parse((await cli('clients', 'create', '--name', 'Doomed', '--grant-type', 'client_credentials', '--json')).stdout);
    const refused = await cli('clients', 'delete', created.client_id);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^portcullis: not deleting \S+ without confirmation: pass --yes/);
    assert.equal((await server.admin('GET', `/admin/clients/${created.client_id}`)).status, 200);
    const deleted = await cli('clients', 'delete', created.client_id, '--yes');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal((await server.admin('GET', `/admin/clients/${created.client_id}`)).status, 404);
  });

  it('prints the refusal to change a built-in client, and marks it in the list', async () => {
    const renamed = await cli('clients', 'update', 'portcullis-demo', '--name', 'Mine now');
    assert.equal(renamed.code, 1);
    assert.match(renamed.stderr, /^portcullis: This is a built-in client/);
    const deleted = await cli('clients', 'delete', 'portcullis-account', '--yes');
    assert.equal(deleted.code, 1);
    assert.match(deleted.stderr, /built-in client/);
    assert.match((await cli('clients', 'list')).stdout, /portcullis-demo .*public \(built-in\)/);
  });

  it('ends quietly when the reader of its output goes away (… | head -1)', async () => {
    for (let i = 0; i < 3; i += 1) await server.admin('POST', '/admin/clients', { client_name: `Pipe ${i}`, grant_types: ['client_credentials'] });
    const child = spawn(process.execPath, [...CLI, 'clients', 'list'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '', 'no EPIPE stack trace');
    assert.equal(code, 0);
  });

  it('disable, enable and unlock each write their own audit event, found by account id', async () => {
    const email = uniqueEmail('audited');
    await registerAccount(server, { email, password: 'audited passphrase here' });
    const id = JSON.parse((await cli('users', 'show', email, '--json')).stdout).id as string;
    for (const action of ['disable', 'enable', 'unlock']) assert.equal((await cli('users', action, email)).code, 0, action);
    const audit = await cli('audit', '--user', id, '--json');
    assert.equal(audit.code, 0, audit.stderr);
    const events = (JSON.parse(audit.stdout).events as { type: string; account_id: string; detail: { actor?: string } }[])
      .filter((e) => e.type.startsWith('account.') && e.type !== 'account.registered');
    assert.deepEqual(events.map((e) => e.type).reverse(), ['account.disabled', 'account.enabled', 'account.unlocked']);
    assert.ok(events.every((e) => e.account_id === id && e.detail.actor === 'admin'));
  });

  it('users show says whether TOTP is on, how many recovery codes are left, the last sign-in and the lockout', async () => {
    const user = await enrolledUser(server);
    const before = JSON.parse((await cli('users', 'show', user.email, '--json')).stdout);
    assert.deepEqual(before.mfa, { totp: true, recovery_codes_left: 10, passkeys: 0 });
    assert.deepEqual(before.lockout, { password_until: null, code_until: null });

    const signInPage = async (password: string) => {
      const agent = new UserAgent();
      const login = await followOnServer(server, agent, `${server.issuer}/account`);
      await submitAndFollow(server, agent, login, '/login', { email: user.email, password });
    };
    const startedAt = Date.now();
    await signInPage(PASSWORD);
    for (let i = 0; i < 3; i += 1) await signInPage('not the passphrase at all');

    const shown = await cli('users', 'show', user.email, '--json');
    assert.equal(shown.code, 0, shown.stderr);
    const after = JSON.parse(shown.stdout);
    assert.ok(Date.parse(after.last_sign_in_at) >= startedAt - 1000, after.last_sign_in_at);
    assert.ok(Date.parse(after.lockout.password_until) > Date.now(), 'locked out after three wrong passwords');
    const human = (await cli('users', 'show', user.email)).stdout;
    assert.match(human, /^Authenticator app +on, 10 recovery code\(s\) left$/m);
    assert.match(human, /^Locked out +passwords until \S+ \(users unlock clears it\)$/m);

    assert.equal((await cli('users', 'unlock', user.email)).code, 0);
    assert.match((await cli('users', 'show', user.email)).stdout, /^Locked out +no$/m);
  });

  it('refuses users list --limit past the maximum before asking', async () => {
    const run = await cli('users', 'list', '--limit', '1001');
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'portcullis: --limit must be 1-1000\n');
  });
});
