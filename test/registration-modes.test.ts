/**
 * REGISTRATION=open|invite|closed through the pages and the admin API (issue 14):
 * - open: today's behaviour, the sign-in page offers "Create account" and registration works;
 * - invite: no "Create account", the registration page and a POST to it are a 403 page that
 *   says accounts are by invitation, nothing is created; an administrator still creates accounts;
 * - closed: the same refusal saying no new accounts are taken, and the admin API refuses to create
 *   or invite (403 registration.closed), so nobody new joins by any way.
 * Cost: three embedded servers, a few page requests each (~6 s).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@portcullis/config';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText, csrfToken } from './support/user-agent.js';
import { interactionUid, openLogin, uniqueEmail } from './support/pages.js';

const PASSWORD = 'registration modes passphrase';

describe('REGISTRATION', () => {
  it('accepts open, invite and closed (open by default) and refuses anything else, naming the variable', () => {
    assert.equal(loadConfig({}).registration, 'open');
    for (const mode of ['open', 'invite', 'closed'] as const) assert.equal(loadConfig({ REGISTRATION: mode }).registration, mode);
    assert.throws(() => loadConfig({ REGISTRATION: 'sometimes' }), (error: Error) => /REGISTRATION/.test(error.message) && /open, invite or closed/.test(error.message));
  });

  for (const mode of ['open', 'invite', 'closed'] as const) {
    describe(`REGISTRATION=${mode}`, () => {
      let server: TestServer;
      before(async () => {
        server = await startTestServer({ REGISTRATION: mode });
      });
      after(() => server.close());

      const accountExists = async (email: string) => (await server.admin('GET', `/admin/users/${encodeURIComponent(email)}`)).status === 200;
      /** The login page, and a POST of the registration form with the interaction's own CSRF token. */
      const tryRegistration = async () => {
        const agent = new UserAgent();
        const login = await openLogin(server, agent);
        const registerUrl = new URL(`/interaction/${interactionUid(login)}/register`, login.url).href;
        const page = await agent.request(registerUrl);
        const email = uniqueEmail(`reg-${mode}`);
        const posted = await agent.request(registerUrl, { method: 'POST', form: { csrf: csrfToken(login.body), email, name: '', password: PASSWORD } });
        return { login, page, posted, email };
      };

      if (mode === 'open') {
        it('offers "Create account" on the sign-in page, and registration creates the account (as before REGISTRATION existed)', async () => {
          assert.equal(server.app.config.registration, 'open');
          const { login, page, posted, email } = await tryRegistration();
          assert.match(login.body, />Create account<\/a>/);
          assert.equal(page.status, 200);
          assert.equal(posted.status, 303, posted.body.slice(0, 300));
          assert.ok(await accountExists(email));
        });
      } else {
        const refusal = mode === 'invite' ? /by invitation only/ : /does not take new accounts/;
        it('offers no "Create account"; the registration page and a POST to it are a clear 403 page, and nothing is created', async () => {
          const { login, page, posted, email } = await tryRegistration();
          assert.doesNotMatch(login.body, /Create account|\/register/);
          for (const answer of [page, posted]) {
            assert.equal(answer.status, 403);
            assert.match(answer.headers.get('content-type') ?? '', /text\/html/);
            assert.match(alertText(answer.body) ?? answer.body, refusal);
          }
          assert.equal(await accountExists(email), false);
        });
      }

      if (mode !== 'closed') {
        it('lets an administrator create an account', async () => {
          const created = await server.admin('POST', '/admin/users', { email: uniqueEmail(mode) });
          assert.equal(created.status, 201, JSON.stringify(created.body));
        });
      }
      if (mode === 'closed') {
        it('refuses to create or invite through the admin API: 403 registration.closed', async () => {
          const created = await server.admin('POST', '/admin/users', { email: uniqueEmail('closed') });
          assert.equal(created.status, 403);
          assert.equal(created.body.error, 'registration.closed');
          assert.match(created.body.message, /REGISTRATION=invite/);
          const invited = await server.admin('POST', `/admin/users/${encodeURIComponent(uniqueEmail('closed'))}/invite`, {});
          assert.equal(invited.status, 403);
          assert.equal((await server.admin('GET', '/admin/users')).body.users.length, 0);
        });
      }
    });
  }
});
