/**
 * The account page's current-password check is a password guess like a sign-in (SECURITY.md A1):
 * it counts against the same per-account limit, and a blocked guess is never evaluated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { alertText } from './support/user-agent.js';
import { followOnServer, registerOnAccountPage, signInToAccount, submitAndFollow } from './support/mfa-journeys.js';

describe('account page password limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { limits: { passwordPerAccount: { points: 3, durationSeconds: 3600 } } });
  });
  after(() => server.close());

  it('blocks current-password guesses after the per-account limit, even the right one', async () => {
    const user = await registerOnAccountPage(server);
    const form = await followOnServer(server, user.agent, `${server.issuer}/account/password`);
    for (let i = 0; i < 3; i++) {
      const { page } = await submitAndFollow(server, user.agent, form, '/account/password', { current_password: `wrong guess ${i}`, new_password: 'a fine new passphrase' });
      assert.match(alertText(page.body) ?? '', /current password is incorrect/);
    }
    const { posted } = await submitAndFollow(server, user.agent, form, '/account/password', { current_password: user.password, new_password: 'a fine new passphrase' });
    assert.equal(posted.status, 429);
    assert.match(alertText(posted.body) ?? '', /Too many attempts/);
    const blocked = await signInToAccount(server, user.email, { password: 'a fine new passphrase' }).catch(() => undefined);
    assert.ok(!blocked || !/<h1>Your account<\/h1>/.test(blocked.body), 'the new password was not set');
  });
});
