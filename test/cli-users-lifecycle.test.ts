/**
 * `portcullis users create|invite|reset-password|reset-mfa|verify-email|export|delete` as a
 * separate process against a real server (issue 14): human and --json output, the exit code and
 * message for an unknown user, delete's confirmation, flags refused before any request, and no
 * command that takes a password.
 * Cost: one embedded server and about 30 CLI runs (~1 s each).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './support/test-server.js';
import { uniqueEmail } from './support/pages.js';
import { enrolledUser } from './support/mfa-journeys.js';
import { Mailbox, linkIn } from './support/mailbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = ['--import', 'tsx', 'packages/cli/src/main.ts'];

describe('portcullis users: the account lifecycle against a running server', () => {
  let server: TestServer;
  let env: Record<string, string>;
  const cli = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [...CLI, ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  const json = async (...args: string[]) => {
    const run = await cli(...args, '--json');
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    return JSON.parse(run.stdout);
  };

  before(async () => {
    server = await startTestServer();
    env = { ADMIN_HOST: '127.0.0.1', ADMIN_PORT: new URL(server.adminUrl).port, DATA_DIR: server.dataDir, ADMIN_TOKEN: '' };
  });
  after(() => server.close());

  it('create makes an account without a password, says so, and refuses a second one', async () => {
    const email = uniqueEmail('cli-create');
    const created = await cli('users', 'create', email, '--name', 'Ada');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, new RegExp(`^Created ${email.replace(/[.+]/g, '\\$&')} \\(\\S+\\) without a password\\.$`, 'm'));
    assert.match(created.stdout, /cannot sign in until a set-password link is used: portcullis users invite /);
    const shown = await json('users', 'show', email);
    assert.equal(shown.name, 'Ada');
    const again = await cli('users', 'create', email);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'portcullis: An account with this email already exists.\n');
    const other = await json('users', 'create', uniqueEmail('cli-json'));
    assert.equal(other.invited, false);
    assert.equal(other.user.email_verified, false);
  });

  it('create --send-invite, invite and reset-password mail the person a link and print none', async () => {
    const mailbox = Mailbox.ofServer(server.issuer);
    const email = uniqueEmail('cli-invite');
    const created = await cli('users', 'create', email, '--send-invite');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^A set-password link was mailed to the address\.$/m);
    const first = linkIn(await mailbox.next(email, /Your account at/), 'invite');
    const invited = await cli('users', 'invite', email, '--locale', 'de');
    assert.equal(invited.code, 0, invited.stderr);
    assert.equal(invited.stdout, `Mailed a set-password link to ${email}.\n`);
    assert.match((await mailbox.next(email, /Ihr Konto/)).subject, /Ihr Konto/);
    const reset = await json('users', 'reset-password', email);
    assert.deepEqual({ purpose: reset.purpose, email: reset.user.email }, { purpose: 'reset', email });
    const second = linkIn(await mailbox.next(email, /Reset your password/), 'reset');
    for (const output of [created.stdout, invited.stdout, JSON.stringify(reset)]) {
      for (const link of [first, second]) assert.ok(!output.includes(new URL(link).pathname.split('/').at(-1)!), 'no token on the terminal');
    }
  });

  it('every lifecycle command fails with exit 1 and the usual message for an unknown user', async () => {
    const nobody = uniqueEmail('cli-nobody');
    for (const command of ['invite', 'reset-password', 'reset-mfa', 'verify-email', 'export']) {
      const run = await cli('users', command, nobody);
      assert.equal(run.code, 1, command);
      assert.equal(run.stderr, 'portcullis: No user has this id or email.\n', command);
      assert.equal(run.stdout, '', command);
    }
    const deleted = await cli('users', 'delete', nobody, '--yes');
    assert.equal(deleted.code, 1);
    assert.equal(deleted.stderr, 'portcullis: No user has this id or email.\n');
  });

  it('refuses bad flags before asking, and takes no password anywhere', async () => {
    const email = uniqueEmail('cli-flags');
    for (const args of [['create', email, '--locale', 'xx'], ['create', email, '--name', '  '], ['reset-password', email, '--locale', 'tlh']]) {
      const run = await cli('users', ...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /^portcullis: --(locale|name) /);
    }
    for (const args of [['reset-password', email, '--password', 'hunter2 hunter2'], ['create', email, '--password', 'hunter2 hunter2']]) {
      const run = await cli('users', ...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /unknown option '--password'/);
    }
    assert.equal((await server.admin('GET', `/admin/users/${encodeURIComponent(email)}`)).status, 404, 'nothing was created');
  });

  it('verify-email and export', async () => {
    const email = uniqueEmail('cli-verify');
    await json('users', 'create', email);
    const verified = await cli('users', 'verify-email', email);
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(verified.stdout, `The e-mail address ${email} is now verified.\n`);
    assert.equal((await json('users', 'verify-email', email)).email_verified, true);
    // Export prints JSON with or without --json.
    const exported = await cli('users', 'export', email);
    assert.equal(exported.code, 0, exported.stderr);
    const body = JSON.parse(exported.stdout);
    assert.equal(body.account.email, email);
    assert.equal(body.account.has_password, false);
    assert.deepEqual(body.audit_events.map((e: { type: string }) => e.type).sort(), ['account.created', 'account.email_verified', 'account.email_verified']);
  });

  it('reset-mfa removes the authenticator app and ends the sessions', async () => {
    const user = await enrolledUser(server);
    const reset = await cli('users', 'reset-mfa', user.email);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, new RegExp(`^Removed the authenticator app and its recovery codes of ${user.email.replace(/[.+]/g, '\\$&')}\\.$`, 'm'));
    assert.match(reset.stdout, /^Ended 1 session\(s\) and revoked \d+ grant\(s\)\. The user signs in with the password alone/m);
    const again = await json('users', 'reset-mfa', user.email);
    assert.deepEqual({ totp: again.totp_removed, passkeys: again.passkeys_removed, sessions: again.sessions_ended }, { totp: false, passkeys: 0, sessions: 0 });
    assert.deepEqual((await json('users', 'show', user.email)).mfa, { totp: false, recovery_codes_left: 0, passkeys: 0 });
  });

  it('delete asks first (refuses without a terminal or --yes), then deletes; the audit log keeps the id', async () => {
    const email = uniqueEmail('cli-delete');
    const { user } = await json('users', 'create', email);
    const refused = await cli('users', 'delete', email);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, `portcullis: not deleting ${email} without confirmation: pass --yes (no terminal to ask on)\n`);
    assert.equal((await server.admin('GET', `/admin/users/${user.id}`)).status, 200, 'still there');

    const deleted = await cli('users', 'delete', email, '--yes');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, `Deleted user ${email} (${user.id}): ended 0 session(s) and revoked 0 grant(s).\n`);
    assert.equal((await cli('users', 'show', email)).code, 1);
    const events = (await json('audit', '--user', user.id)).events as { type: string; email: string | null; account_id: string }[];
    assert.deepEqual(events.map((e) => e.type), ['account.deleted', 'account.created']);
    assert.ok(events.every((e) => e.account_id === user.id && e.email === null));
    const second = await json('users', 'create', email);
    assert.notEqual(second.user.id, user.id, 'the address is free again, for a new account');
    assert.deepEqual(await json('users', 'delete', second.user.id, '--yes'), { id: second.user.id, sessions_ended: 0, grants_revoked: 0 });
  });
});
