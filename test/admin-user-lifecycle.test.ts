/**
 * The admin's account lifecycle through the admin API (issue 14), against a real embedded server:
 * - create makes an account without a password that nothing signs in to (the same answer as a
 *   wrong password), with bad bodies refused as 4xx and nothing stored;
 * - delete removes the account with its sessions, grants, consents and second factor; the audit
 *   rows keep the account id only, and the email is scrubbed from old rows that named it;
 * - export shows everything stored about the person and no secret;
 * - verify-email marks the address verified; each action writes its own audit event;
 * - the "lost phone and recovery codes" journey: `reset-mfa`, then the person signs in with the
 *   password alone and sets up an authenticator app again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText } from './support/user-agent.js';
import { submitLogin, uniqueEmail } from './support/pages.js';
import { allow, authorizationRequest, callbackOf, createClient, followToClient, isConsentPage, relyingParty } from './support/oidc-harness.js';
import { Mailbox, linkIn } from './support/mailbox.js';
import { PASSWORD, enrolOnAccountPage, registerOnAccountPage, enrolledUser, followOnServer, isCodeStep, signInToAccount, submitAndFollow } from './support/mfa-journeys.js';

describe('admin API: account lifecycle', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const eventsOf = async (user: string) => (await server.admin('GET', `/admin/audit?user=${encodeURIComponent(user)}&limit=1000`)).body.events as { type: string; account_id: string | null; email: string | null; detail: Record<string, unknown> }[];
  const countRows = async (table: 'consents' | 'account_totp' | 'recovery_codes' | 'account_passkeys', accountId: string) =>
    Number((await server.app.db.primary.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()).n);
  /** Sessions, grants and tokens of the account in the artefact store (PostgreSQL here). */
  const artefactsOf = async (accountId: string) =>
    (await server.app.db.primary.selectFrom('oidc_payloads').select('payload').where('model', 'in', ['Session', 'Grant', 'RefreshToken', 'AccessToken']).execute())
      .filter((row) => (row.payload as { accountId?: string }).accountId === accountId).length;

  describe('create', () => {
    it('creates an account without a password that cannot sign in: the same answer as a wrong password', async () => {
      const email = uniqueEmail('created');
      const created = await server.admin('POST', '/admin/users', { email: `  ${email.toUpperCase()} `, name: 'Grace Hopper' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.invited, false);
      assert.equal(created.body.user.email, email, 'stored normalised');
      assert.equal(created.body.user.name, 'Grace Hopper');
      const row = await server.app.db.primary.selectFrom('accounts').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow();
      assert.equal(row.password_hash, null);

      const tried = await submitLogin(server, email, '');
      const wrong = await submitLogin(server, email, 'any password at all');
      const unknown = await submitLogin(server, uniqueEmail('nobody'), 'any password at all');
      assert.equal(wrong.status, 401);
      assert.equal(alertText(wrong.body), alertText(unknown.body));
      assert.notEqual(tried.status, 303);
      const events = await eventsOf(created.body.user.id);
      assert.deepEqual(events.find((e) => e.type === 'account.created')?.detail, { actor: 'admin', invited: false });
      assert.equal(events.find((e) => e.type === 'signin')?.detail.reason, 'no_password');
    });

    it('refuses a bad email, an unknown field, a duplicate, and stores nothing', async () => {
      const before = (await server.admin('GET', '/admin/users?limit=1000')).body.users.length;
      for (const body of [{}, { email: 'not an email' }, { email: 'a@example.com', password: 'secret passphrase' }, { email: 'a@example.com', locale: 'xx' }, { email: 42 }]) {
        const refused = await server.admin('POST', '/admin/users', body);
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.equal(refused.body.error, 'admin.invalid');
      }
      const email = uniqueEmail('twice');
      assert.equal((await server.admin('POST', '/admin/users', { email })).status, 201);
      const again = await server.admin('POST', '/admin/users', { email: email.toUpperCase() });
      assert.equal(again.status, 409);
      assert.equal(again.body.error, 'user.exists');
      assert.equal((await server.admin('GET', '/admin/users?limit=1000')).body.users.length, before + 1);
    });

    it('answers 404 user.not_found for every action on an unknown email or id', async () => {
      const nobody = encodeURIComponent(uniqueEmail('nobody'));
      for (const [method, path] of [['POST', 'reset-mfa'], ['POST', 'verify-email'], ['GET', 'export'], ['DELETE', ''], ['POST', 'reset-password'], ['POST', 'invite']] as const) {
        for (const who of [nobody, 'no-such-id']) {
          const answer = await server.admin(method, `/admin/users/${who}${path ? `/${path}` : ''}`, method === 'POST' ? {} : undefined);
          assert.equal(answer.status, 404, `${method} ${path} ${who}: ${JSON.stringify(answer.body)}`);
          assert.equal(answer.body.error, 'user.not_found');
        }
      }
    });
  });

  const PASSKEY_ID = 'cGFzc2tleS1jcmVkZW50aWFsLWlk';
  const PASSKEY_KEY = 'pQECAyYgASFYIHB1YmxpYy1rZXktb2YtdGhlLXBhc3NrZXk';

  describe('delete, export, verify-email', () => {
    let app: Awaited<ReturnType<typeof createClient>>;
    /** A person with TOTP on, two sessions, a consent, and a grant with a refresh token. */
    let person: { email: string; id: string; agent: UserAgent; tokens: client.TokenEndpointResponse };
    before(async () => {
      app = await createClient(server, { client_name: 'Photo Book', scope: 'openid email profile offline_access' });
      const user = await enrolledUser(server);
      const id = (await server.admin('GET', `/admin/users/${encodeURIComponent(user.email)}`)).body.id as string;
      // Signs in to the app in another browser: password, code, consent, tokens.
      const config = await relyingParty(server, app);
      const request = await authorizationRequest(config, { scope: 'openid email offline_access', prompt: 'consent', redirect_uri: app.redirect_uris[0]! });
      const agent = new UserAgent();
      const { page: step } = await submitAndFollow(server, agent, await followToClient(agent, request.url), '/login', { email: user.email, password: PASSWORD });
      assert.ok(isCodeStep(step));
      const { page: consent } = await submitAndFollow(server, agent, step, '/totp', { code: (await user.clock.next()).code });
      const page = isConsentPage(consent) ? await allow(agent, consent) : consent;
      const tokens = await client.authorizationCodeGrant(config, callbackOf(page, request.redirectUri), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
      assert.ok(tokens.refresh_token);
      person = { email: user.email, id, agent: user.agent, tokens };
      // A passkey, stored as the passkey ceremony stores one (its key must never be exported).
      await server.app.db.primary.insertInto('account_passkeys').values({ id: PASSKEY_ID, account_id: id, public_key: PASSKEY_KEY, counter: 0, transports: '["internal"]', name: 'Work laptop', aaguid: '00000000-0000-0000-0000-000000000000' }).execute();
    });

    it('export holds everything stored about the person and no secret', async () => {
      const exported = await server.admin('GET', `/admin/users/${encodeURIComponent(person.email)}/export`);
      assert.equal(exported.status, 200, JSON.stringify(exported.body));
      const body = exported.body;
      assert.equal(body.account.id, person.id);
      assert.equal(body.account.email, person.email);
      assert.equal(body.account.has_password, true);
      assert.deepEqual(body.consents.map((c: { client_id: string }) => c.client_id), [app.client_id]);
      assert.ok(body.sessions.length >= 1, 'the live session is listed');
      assert.equal(body.mfa.totp.enabled, true);
      assert.equal(body.mfa.recovery_codes.length, 10);
      assert.deepEqual(body.mfa.passkeys.map((p: { name: string }) => p.name), ['Work laptop']);
      const types = body.audit_events.map((e: { type: string }) => e.type);
      for (const type of ['account.registered', 'mfa.enabled']) assert.ok(types.includes(type), `${type} in ${types}`);

      // No secret: not the password, its hash, the TOTP seed (sealed or not), a recovery digest.
      const text = JSON.stringify(body);
      const account = await server.app.db.primary.selectFrom('accounts').select('password_hash').where('id', '=', person.id).executeTakeFirstOrThrow();
      const totp = await server.app.db.primary.selectFrom('account_totp').select('secret_ciphertext').where('account_id', '=', person.id).executeTakeFirstOrThrow();
      const digests = await server.app.db.primary.selectFrom('recovery_codes').select('code_hash').where('account_id', '=', person.id).execute();
      assert.equal(digests.length, 10);
      const secrets = [account.password_hash!, totp.secret_ciphertext, ...digests.map((d) => d.code_hash), PASSKEY_ID, PASSKEY_KEY, 'argon2id', 'password_hash', 'secret', 'code_hash', 'public_key'];
      for (const secret of secrets) assert.ok(!text.includes(secret), `the export holds ${secret.slice(0, 20)}`);
      assert.ok((await eventsOf(person.id)).some((e) => e.type === 'account.exported'));
    });

    it('verify-email marks the address verified and says so in the audit log', async () => {
      const email = uniqueEmail('unverified');
      const { user } = (await server.admin('POST', '/admin/users', { email })).body;
      assert.equal(user.email_verified, false);
      const verified = await server.admin('POST', `/admin/users/${encodeURIComponent(email)}/verify-email`);
      assert.equal(verified.status, 200);
      assert.equal(verified.body.email_verified, true);
      assert.equal((await server.admin('GET', `/admin/users/${user.id}`)).body.email_verified, true);
      assert.deepEqual((await eventsOf(user.id)).find((e) => e.type === 'account.email_verified')?.detail, { actor: 'admin', was_verified: false });
    });

    it('delete removes the account, its sessions, grants, consents and MFA; audit rows keep only the id', async () => {
      // A failed sign-in for the address before it was an account: the audit row names the email.
      const early = uniqueEmail('early');
      await submitLogin(server, early, 'no account yet for this one');
      assert.ok((await eventsOf(early)).some((e) => e.type === 'signin' && e.detail.email === early));

      assert.ok((await artefactsOf(person.id)) > 0, 'sessions and grants exist before');
      assert.equal(await countRows('consents', person.id), 1);
      assert.equal(await countRows('account_totp', person.id), 1);
      assert.equal(await countRows('account_passkeys', person.id), 1);
      const deleted = await server.admin('DELETE', `/admin/users/${encodeURIComponent(person.email)}`);
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
      assert.equal(deleted.body.id, person.id);
      // Ending a session revokes the grants made in it, so the grant count may already be spent.
      assert.equal(deleted.body.sessions_ended, 2, JSON.stringify(deleted.body));

      assert.equal((await server.admin('GET', `/admin/users/${person.id}`)).status, 404);
      assert.equal(await artefactsOf(person.id), 0, 'no session, grant or token of the account is left');
      for (const table of ['consents', 'account_totp', 'recovery_codes', 'account_passkeys'] as const) assert.equal(await countRows(table, person.id), 0, table);
      await assert.rejects(client.refreshTokenGrant(await relyingParty(server, app), person.tokens.refresh_token!), (error: { error?: string }) => error.error === 'invalid_grant');
      assert.equal((await followOnServer(server, person.agent, `${server.issuer}/account`)).url.includes('/interaction/'), true, 'the browser is signed out');

      // The audit log keeps the rows under the id, without the email anywhere.
      const events = await eventsOf(person.id);
      assert.ok(events.some((e) => e.type === 'account.registered'), 'old rows are kept');
      assert.deepEqual(events.find((e) => e.type === 'account.deleted')?.detail, { actor: 'admin', sessions_ended: deleted.body.sessions_ended, grants_revoked: deleted.body.grants_revoked });
      assert.ok(events.every((e) => e.account_id === person.id && e.email === null));
      const rows = await server.app.db.primary.selectFrom('audit_events').select(['detail']).where('account_id', '=', person.id).execute();
      assert.ok(!JSON.stringify(rows).includes(person.email), 'no audit row of the account names its email');
      assert.deepEqual(await eventsOf(person.email), [], 'nothing is found by the old email');
    });

    it('delete scrubs the email from old audit rows that named it before the account existed, and drops mail to it', async () => {
      const email = uniqueEmail('scrubbed');
      await submitLogin(server, email, 'a guess before the account existed');
      const created = await server.admin('POST', '/admin/users', { email });
      // A message to the address still waiting in the outbox is dropped with the account.
      await server.app.db.primary.insertInto('mail_outbox').values({ id: `pending-${created.body.user.id}`, recipient: email, template: 'email-verification', locale: 'en', params: '{}', status: 'pending' }).execute();
      assert.equal((await server.admin('DELETE', `/admin/users/${created.body.user.id}`)).status, 200);
      assert.deepEqual(await server.app.db.primary.selectFrom('mail_outbox').select('id').where('recipient', '=', email).execute(), []);
      const rows = await server.app.db.primary.selectFrom('audit_events').select(['type', 'detail']).execute();
      assert.ok(!JSON.stringify(rows).includes(email), 'the email is gone from every audit row');
      assert.ok(rows.some((r) => r.type === 'signin' && (r.detail as { reason?: string }).reason === 'unknown_account'), 'the failed sign-in row itself is kept');
    });
  });

  describe('invite and reset-password', () => {
    it('create with send_invite mails a set-password link (never in the answer); the person sets a password and signs in', async () => {
      const mailbox = Mailbox.ofServer(server.issuer);
      const email = uniqueEmail('invited');
      const created = await server.admin('POST', '/admin/users', { email, send_invite: true });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.invited, true);
      const mail = await mailbox.next(email, /Your account at/);
      const link = linkIn(mail, 'invite');
      assert.ok(!JSON.stringify(created.body).includes(new URL(link).pathname), 'the link is mailed, never answered');
      assert.deepEqual((await eventsOf(created.body.user.id)).find((e) => e.type === 'account.created')?.detail, { actor: 'admin', invited: true });

      // Until the link is used, nothing signs in; an invitation may be sent again.
      assert.equal((await server.admin('POST', `/admin/users/${encodeURIComponent(email)}/invite`, { locale: 'fr' })).status, 200);
      const again = await mailbox.next(email, /.+/);
      assert.notEqual(linkIn(again, 'invite'), link, 'a new link');
      const agent = new UserAgent();
      const page = await agent.request(linkIn(again, 'invite'));
      const done = await agent.submit(page, '/recover/invite/', { new_password: 'an invited person picks this', confirm_password: 'an invited person picks this' });
      assert.equal(done.status, 200, done.body.slice(0, 300));
      const home = await signInToAccount(server, email, { password: 'an invited person picks this' });
      assert.equal(new URL(home.url).pathname, '/account');
      const events = (await eventsOf(created.body.user.id)).map((e) => e.type);
      assert.ok(events.includes('account.invited'), events.join());

      // Now the account has a password and has signed in: an invitation is refused, a reset is the way.
      const refused = await server.admin('POST', `/admin/users/${encodeURIComponent(email)}/invite`, {});
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error, 'user.active');
    });

    it('reset-password mails a reset link to the person, shows none, and audits it', async () => {
      const mailbox = Mailbox.ofServer(server.issuer);
      const user = await registerOnAccountPage(server);
      const id = (await server.admin('GET', `/admin/users/${encodeURIComponent(user.email)}`)).body.id as string;
      const sent = await server.admin('POST', `/admin/users/${id}/reset-password`, {});
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.deepEqual({ email: sent.body.user.email, purpose: sent.body.purpose }, { email: user.email, purpose: 'reset' });
      const mail = await mailbox.next(user.email, /Reset your password/);
      assert.ok(!JSON.stringify(sent.body).includes(new URL(linkIn(mail, 'reset')).pathname));
      assert.deepEqual((await eventsOf(id)).find((e) => e.type === 'account.password_reset_sent')?.detail, { actor: 'admin' });
      const refused = await server.admin('POST', `/admin/users/${id}/reset-password`, { password: 'not taken here' });
      assert.equal(refused.status, 400, 'no password is accepted');
    });
  });

  describe('lost phone and recovery codes, with an admin', () => {
    it('reset-mfa removes TOTP, ends the sessions, and the person signs in with the password alone and enrols again', async () => {
      const user = await enrolledUser(server);
      const id = (await server.admin('GET', `/admin/users/${encodeURIComponent(user.email)}`)).body.id as string;
      // With TOTP on, the password alone leads to the code step.
      const probe = new UserAgent();
      const { page: step } = await submitAndFollow(server, probe, await followOnServer(server, probe, `${server.issuer}/account`), '/login', { email: user.email, password: PASSWORD });
      assert.ok(isCodeStep(step));

      await server.app.db.primary.insertInto('account_passkeys').values({ id: 'bG9zdC1waG9uZS1wYXNza2V5', account_id: id, public_key: PASSKEY_KEY, counter: 0, transports: '[]', name: 'Lost phone', aaguid: '00000000-0000-0000-0000-000000000000' }).execute();
      assert.equal((await server.admin('GET', `/admin/users/${id}`)).body.mfa.passkeys, 1, 'the admin view shows passkeys, not TOTP alone');
      const reset = await server.admin('POST', `/admin/users/${encodeURIComponent(user.email)}/reset-mfa`);
      assert.equal(reset.status, 200, JSON.stringify(reset.body));
      assert.equal(reset.body.totp_removed, true);
      assert.equal(reset.body.passkeys_removed, 1);
      assert.equal(await countRows('account_passkeys', id), 0);
      assert.ok(reset.body.sessions_ended >= 1, 'the old session ended');
      assert.equal(await countRows('account_totp', id), 0);
      assert.equal(await countRows('recovery_codes', id), 0);
      assert.deepEqual((await server.admin('GET', `/admin/users/${id}`)).body.mfa, { totp: false, recovery_codes_left: 0, passkeys: 0 });
      const event = (await eventsOf(id)).find((e) => e.type === 'account.mfa_reset');
      assert.deepEqual(event?.detail, { actor: 'admin', totp_removed: true, passkeys_removed: 1, sessions_ended: reset.body.sessions_ended, grants_revoked: reset.body.grants_revoked });

      // The old browser is signed out; a new sign-in asks for the password only.
      assert.match((await followOnServer(server, user.agent, `${server.issuer}/account`)).url, /\/interaction\//);
      const agent = new UserAgent();
      const home = await signInToAccount(server, user.email, { agent });
      assert.equal(new URL(home.url).pathname, '/account', `expected the account page, got ${home.status} ${home.url}`);
      assert.ok(!isCodeStep(home));
      // And the authenticator app can be set up again.
      const again = await enrolOnAccountPage(server, agent);
      assert.equal(again.codes.length, 10);
      assert.notEqual(again.secret, user.secret, 'a new seed');
    });

    it('reset-mfa on an account without a second factor still ends its sessions', async () => {
      const email = uniqueEmail('plain');
      const created = await server.admin('POST', '/admin/users', { email });
      const reset = await server.admin('POST', `/admin/users/${created.body.user.id}/reset-mfa`);
      assert.equal(reset.status, 200);
      assert.deepEqual({ totp: reset.body.totp_removed, passkeys: reset.body.passkeys_removed }, { totp: false, passkeys: 0 });
    });
  });
});
