/**
 * Sessions (SECURITY.md A9, R16): the account page lists them with device, address and times
 * and signs out any other one or all others; `portcullis users sessions | revoke-sessions` do
 * the same for an admin; disabling a user and turning MFA off end the other sessions and kill
 * refresh tokens. Each ended session is one `session.revoked` event, and the old cookie gets
 * the sign-in page on its very next request.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, type Page } from './support/user-agent.js';
import { enrolledUser, followOnServer, registerOnAccountPage, signInToAccount, submitAndFollow } from './support/mfa-journeys.js';
import { createClient, relyingParty, signUpAndRedeem } from './support/oidc-harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('sessions', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  /** Whether this browser's session is gone: /account now shows the sign-in page. */
  const signedOut = async (agent: UserAgent) => new URL((await followOnServer(server, agent, `${server.issuer}/account`)).url).pathname.startsWith('/interaction/');
  const sessionsPage = (agent: UserAgent) => followOnServer(server, agent, `${server.issuer}/account/sessions`);
  const rows = (page: Page) => [...page.body.matchAll(/<tr data-session="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ handle: m[1]!, html: m[2]! }));
  const revokedEvents = async (email: string) => {
    const response = await server.admin('GET', `/admin/audit?user=${encodeURIComponent(email)}&limit=1000`);
    return (response.body.events as { type: string; detail: Record<string, unknown> }[]).filter((e) => e.type === 'session.revoked');
  };
  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env, ADMIN_HOST: '127.0.0.1', ADMIN_PORT: new URL(server.adminUrl).port, DATA_DIR: server.dataDir, ADMIN_TOKEN: '' };
      execFile(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: root, env }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });

  it('lists the sessions with device, address and times, and signs one out from the account page', async () => {
    const user = await registerOnAccountPage(server);
    const laptop = new UserAgent();
    const phone = new UserAgent();
    await signInToAccount(server, user.email, { agent: laptop });
    await signInToAccount(server, user.email, { agent: phone });

    const page = await sessionsPage(user.agent);
    assert.equal(page.status, 200);
    const listed = rows(page);
    assert.equal(listed.length, 3);
    assert.equal(listed.filter((r) => r.html.includes('This device')).length, 1);
    for (const row of listed) {
      assert.match(row.html, /Node\.js/, 'the device comes from the user agent');
      // The address may break after its dots and colons (<wbr>), so it is read without them.
      assert.match(row.html.replaceAll('<wbr>', ''), /127\.0\.0\.1|::1/, 'the address is shown');
      assert.match(row.html, /<time datetime="\d{4}-/, 'sign-in and last-seen times are shown');
    }

    const other = listed.find((r) => !r.html.includes('This device'))!;
    const posted = await user.agent.submit(page, `/account/sessions/${other.handle}/revoke`, {});
    assert.equal(posted.status, 303);
    const after = await sessionsPage(user.agent);
    assert.match(after.body, /role="status"[^>]*>The session was signed out\./);
    assert.equal(rows(after).length, 2);
    const gone = [laptop, phone];
    const results = await Promise.all(gone.map(signedOut));
    assert.deepEqual(results.sort(), [false, true], 'exactly the chosen session ended');
    assert.equal(await signedOut(user.agent), false);
    assert.deepEqual((await revokedEvents(user.email)).map((e) => [e.detail.reason, e.detail.session]), [['account_page', other.handle]]);
  });

  it('signs out all other sessions from the account page', async () => {
    const user = await registerOnAccountPage(server);
    const others = [new UserAgent(), new UserAgent()];
    for (const agent of others) await signInToAccount(server, user.email, { agent });
    const page = await sessionsPage(user.agent);
    const posted = await user.agent.submit(page, '/account/sessions/revoke-others', {});
    assert.equal(posted.status, 303);
    for (const agent of others) assert.equal(await signedOut(agent), true);
    assert.equal(await signedOut(user.agent), false);
    assert.equal((await revokedEvents(user.email)).length, 2);
  });

  it('refuses a revocation without the CSRF token', async () => {
    const user = await registerOnAccountPage(server);
    const other = new UserAgent();
    await signInToAccount(server, user.email, { agent: other });
    const handle = rows(await sessionsPage(user.agent)).find((r) => !r.html.includes('This device'))!.handle;
    const forged = await user.agent.request(`${server.issuer}/account/sessions/${handle}/revoke`, { form: { csrf: 'forged' } });
    assert.equal(forged.status, 403);
    assert.equal(await signedOut(other), false);
  });

  it('`portcullis users sessions` lists them and `users revoke-sessions` ends them all', async () => {
    const user = await registerOnAccountPage(server);
    const other = new UserAgent();
    await signInToAccount(server, user.email, { agent: other });
    const listed = await cli('users', 'sessions', user.email, '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const sessions = (JSON.parse(listed.stdout) as { sessions: { handle: string; user_agent: string; signed_in_at: string }[] }).sessions;
    assert.equal(sessions.length, 2);
    assert.ok(sessions.every((s) => s.signed_in_at && s.user_agent));
    assert.ok(!listed.stdout.includes(other.jar.getCookiesSync(server.issuer).find((c) => c.key === 'portcullis.session')!.value), 'never the session id');

    const revoked = await cli('users', 'revoke-sessions', user.email);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /Ended 2 session/);
    assert.equal(await signedOut(other), true);
    assert.equal(await signedOut(user.agent), true);
    assert.deepEqual((await revokedEvents(user.email)).map((e) => e.detail.reason), ['admin', 'admin']);
    assert.equal(JSON.parse((await cli('users', 'sessions', user.email, '--json')).stdout).sessions.length, 0);
  });

  it('disabling a user ends their sessions and kills their refresh tokens, even after re-enabling', async () => {
    const registered = await createClient(server, { first_party: true });
    const config = await relyingParty(server, registered);
    const session = await signUpAndRedeem(server, registered);
    assert.ok(session.tokens.refresh_token);
    assert.equal((await server.admin('POST', `/admin/users/${encodeURIComponent(session.email)}/disable`)).status, 200);
    assert.equal((await server.admin('POST', `/admin/users/${encodeURIComponent(session.email)}/enable`)).status, 200);
    await assert.rejects(client.refreshTokenGrant(config, session.tokens.refresh_token), (error: unknown) => (error as { error?: string }).error === 'invalid_grant');
    assert.equal(await signedOut(session.agent), true);
    assert.deepEqual((await revokedEvents(session.email)).map((e) => e.detail.reason), ['user_disabled']);
  });

  it('turning the authenticator app off ends the other sessions and their refresh tokens', async () => {
    const user = await enrolledUser(server);
    const other = new UserAgent();
    await signInToAccount(server, user.email, { agent: other, code: async () => (await user.clock.next()).code });
    assert.equal(await signedOut(other), false);
    const confirm = await followOnServer(server, user.agent, `${server.issuer}/account/totp/disable`);
    const { posted } = await submitAndFollow(server, user.agent, confirm, '/account/totp/disable', { code: user.codes[0]! });
    assert.equal(posted.status, 303);
    assert.equal(await signedOut(other), true);
    assert.equal(await signedOut(user.agent), false);
    // One event for one action: the change counts what it ended (no session.revoked of its own).
    assert.deepEqual(await revokedEvents(user.email), []);
    const answer = await server.admin('GET', `/admin/audit?user=${encodeURIComponent(user.email)}&limit=100`);
    const disabled = (answer.body.events as { type: string; outcome: string; detail: Record<string, unknown> }[]).filter((e) => e.type === 'mfa.disabled' && e.outcome === 'success');
    assert.equal(disabled.length, 1);
    assert.equal(disabled[0]!.detail.sessions_ended, 1);
  });
});
