/**
 * The account page's current-password check is a password guess like a sign-in (SECURITY.md A1,
 * A14): it counts against the same limits, a refused guess is never evaluated (429 with
 * Retry-After), and each lockout writes one `lockout` event. Like the sign-in page it honours the
 * device cookie: a per-account lockout that someone else caused from unknown devices does not
 * refuse the owner on the browser they signed in from; that browser has its own limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText } from './support/user-agent.js';
import { followOnServer, registerOnAccountPage, signInToAccount, submitAndFollow } from './support/mfa-journeys.js';

describe('account page password limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { limits: { passwordPerAccount: { points: 3, durationSeconds: 3600 }, passwordPerDevice: { points: 3, durationSeconds: 3600 } } });
  });
  after(() => server.close());

  const lockouts = async (email: string) => {
    const answer = await server.admin('GET', `/admin/audit?user=${encodeURIComponent(email)}&limit=100`);
    return (answer.body.events as { type: string; detail: Record<string, unknown> }[]).filter((e) => e.type === 'lockout').map((e) => `${String(e.detail.factor)}:${String(e.detail.scope)}`);
  };

  it("lets the owner change the password on their own device while someone else's guesses lock the account", async () => {
    const user = await registerOnAccountPage(server);
    // Three wrong passwords at the sign-in page from a browser that never signed in: the account
    // is locked for unknown devices.
    const stranger = new UserAgent();
    for (let i = 0; i < 3; i++) {
      const login = await followOnServer(server, stranger, `${server.issuer}/account`);
      await stranger.submit(login, '/login', { email: user.email, password: `a stranger's guess ${i}` });
    }
    assert.deepEqual(await lockouts(user.email), ['password:account']);
    const form = await followOnServer(server, user.agent, `${server.issuer}/account/password`);
    const { page } = await submitAndFollow(server, user.agent, form, '/account/password', { current_password: user.password, new_password: 'a fine new passphrase', confirm_password: 'a fine new passphrase' });
    assert.match(page.body, /Your password was changed/);
  });

  it("limits the owner's device on its own: 429 with Retry-After, one lockout, even for the right password", async () => {
    const user = await registerOnAccountPage(server);
    const form = await followOnServer(server, user.agent, `${server.issuer}/account/password`);
    for (let i = 0; i < 3; i++) {
      const { page } = await submitAndFollow(server, user.agent, form, '/account/password', { current_password: `wrong guess ${i}`, new_password: 'a fine new passphrase', confirm_password: 'a fine new passphrase' });
      assert.match(alertText(page.body) ?? '', /current password is incorrect/);
    }
    assert.deepEqual(await lockouts(user.email), ['password:device']);
    // Used up, the device is an unknown one again: the account counter (3) takes the next guesses.
    for (let i = 0; i < 3; i++) await user.agent.submit(form, '/account/password', { current_password: `more ${i}`, new_password: 'a fine new passphrase', confirm_password: 'a fine new passphrase' });
    const refused = await user.agent.submit(form, '/account/password', { current_password: user.password, new_password: 'a fine new passphrase', confirm_password: 'a fine new passphrase' });
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.match(alertText(refused.body) ?? '', /limited on new devices/, 'the same words as the sign-in page');
    assert.deepEqual((await lockouts(user.email)).sort(), ['password:account', 'password:device']);
    const blocked = await signInToAccount(server, user.email, { password: 'a fine new passphrase' }).catch(() => undefined);
    assert.ok(!blocked || !/<h1>Your account<\/h1>/.test(blocked.body), 'the new password was not set');
  });
});
