/**
 * Someone registers an address that is not theirs and never confirms it, hoping to keep a way in
 * once the address's owner takes the account back (SECURITY.md A2, A6, A15). Each step of that
 * journey must fail for them:
 * - a password alone never signs in to an unconfirmed address: the "check your email" step comes
 *   first, whatever the client;
 * - an unconfirmed account adds no authenticator app, no passkey and moves to no other address;
 * - the owner's reset link confirms the address and removes every factor the registrant added,
 *   so their passkey no longer signs in and their app's codes are gone;
 * - a passkey is added only after a recent sign-in, and its owner is mailed about it; the
 *   "password changed" notice lists the passkeys that still sign in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSmtpSink, type SmtpSink } from '@portcullis/server/testing/smtp-sink.js';
import { passkeyAddition, RECENT_SIGN_IN_SECONDS } from '@portcullis/server/account-page/account-passkeys.routes.js';
import { createSoftCredential, type SoftCredential } from '../packages/server/src/testing/soft-authenticator.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText, csrfToken, type Page } from './support/user-agent.js';
import { CodeClock, enrolOnAccountPage, followOnServer, setupKeyOf, submitAndFollow, registerOnAccountPage, signInToAccount, stepUpOnAccountPage, PASSWORD } from './support/mfa-journeys.js';
import { authorizationUrl, createThirdPartyClient, interactionUid, openLogin, uniqueEmail } from './support/pages.js';
import { Mailbox, linkIn } from './support/mailbox.js';
import { registerMailDir } from './support/mail.js';

describe('an account registered by someone who does not own its address', () => {
  let server: TestServer;
  let sink: SmtpSink;
  let dir: string;
  let mailbox: Mailbox;
  let here: { origin: string; rpId: string };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'takeover-sink-'));
    sink = await startSmtpSink({ dir });
    server = await startTestServer({ SMTP_URL: sink.url });
    registerMailDir(server.issuer, dir);
    mailbox = Mailbox.ofSink(sink);
    here = { origin: new URL(server.issuer).origin, rpId: new URL(server.issuer).hostname };
  });
  after(async () => {
    await server?.close();
    await sink?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const user = async (email: string) => (await server.admin('GET', `/admin/users/${encodeURIComponent(email)}`)).body as { id: string; email_verified: boolean; mfa: { totp: boolean; passkeys: number } };
  const setVerified = (email: string, verified: boolean) => server.app.db.primary.updateTable('accounts').set({ email_verified: verified }).where('email', '=', email).execute();

  /** Adds a passkey on the account page of a signed-in agent; the 303's answer. */
  const addPasskey = async (agent: UserAgent, name: string): Promise<{ key: SoftCredential; added: Page }> => {
    const page = await followOnServer(server, agent, `${server.issuer}/account/passkeys`);
    const options = await agent.request(`${server.issuer}/account/passkeys/options`, { form: { csrf: csrfToken(page.body) } });
    assert.equal(options.status, 200, options.body.slice(0, 300));
    const { challenge, user: { id } } = (JSON.parse(options.body) as { options: { challenge: string; user: { id: string } } }).options;
    const key = createSoftCredential(Buffer.from(id, 'base64url').toString());
    const added = await agent.request(`${server.issuer}/account/passkeys`, { form: { csrf: csrfToken(page.body), name, response: key.register({ challenge, ...here }) } });
    return { key, added };
  };

  /** A sign-in with the passkey alone, in a fresh browser: the answer to the assertion. */
  const passkeySignIn = async (key: SoftCredential, agent = new UserAgent()): Promise<Page> => {
    const login = await openLogin(server, agent);
    const options = await agent.request(new URL(`/interaction/${interactionUid(login)}/passkey/options`, login.url).href, { form: { csrf: csrfToken(login.body) } });
    const { challenge } = (JSON.parse(options.body) as { options: { challenge: string } }).options;
    return agent.request(`${server.issuer}/interaction/${interactionUid(login)}/passkey`, { form: { csrf: csrfToken(login.body), response: key.assert({ challenge, ...here }) } });
  };

  /** "Forgot password?" for `email`, then the new password through the mailed link. */
  const resetThroughMail = async (email: string, password: string): Promise<Page> => {
    await mailbox.skipAll();
    const agent = new UserAgent();
    const login = await openLogin(server, agent);
    const forgot = await agent.request(new URL(/<a href="([^"]*\/forgot)">/.exec(login.body)![1]!, login.url).href);
    await agent.submit(forgot, '/forgot', { email });
    const link = linkIn(await mailbox.next(email, /Reset your password/), 'reset');
    const done = await agent.submit(await agent.request(link), '/recover/', { new_password: password, confirm_password: password });
    assert.equal(done.status, 200, done.body.slice(0, 300));
    return done;
  };

  it('meets the email step, not the account, when signing in with the password it registered; the owner’s reset then shuts it out', async () => {
    const victim = uniqueEmail('victim');
    const attacker = new UserAgent();
    const login = await followOnServer(server, attacker, `${server.issuer}/account`);
    const registerPage = await attacker.request(new URL(/href="([^"]*\/register)"/.exec(login.body)![1]!, login.url).href);
    assert.equal((await attacker.submit(registerPage, '/register', { email: victim, name: '', password: PASSWORD })).status, 303);

    // A fresh browser, the right password: the "check your email" step, never the account page.
    const signedIn = await signInToAccount(server, victim, { agent: new UserAgent() });
    assert.notEqual(new URL(signedIn.url).pathname, '/account', 'a password alone signed in to an unconfirmed address');
    assert.match(signedIn.body, /<h1>Check your email<\/h1>/);
    assert.ok(signedIn.body.includes('/verify-email/code'));
    const sent = (await server.app.db.primary.selectFrom('audit_events').select('detail').where('type', '=', 'email.verification_sent').where('account_id', '=', (await user(victim)).id).execute()).map((e) => (e.detail as { reason: string }).reason);
    assert.ok(sent.includes('unverified_sign_in'), `the sign-in sent a code: ${sent.join(',')}`);

    // The owner takes the address back: confirmed, and the registrant's password is gone.
    await resetThroughMail(victim, 'the owner’s own passphrase 2026');
    assert.equal((await user(victim)).email_verified, true);
    const again = await signInToAccount(server, victim, { agent: new UserAgent() });
    assert.equal(again.status, 401, 'the registrant’s password no longer works');
  });

  it('refuses an authenticator app, a passkey and an email change while the address is unconfirmed, and says how to confirm it', async () => {
    const person = await registerOnAccountPage(server);
    // The state an older release left: a session on an account whose address nobody confirmed.
    await setVerified(person.email, false);
    const account = await user(person.email);

    const passkeys = await followOnServer(server, person.agent, `${server.issuer}/account/passkeys`);
    assert.equal(passkeys.status, 200);
    assert.ok(!passkeys.body.includes('data-passkey="register"'), 'the page offers to add a passkey');
    assert.match(passkeys.body, /Confirm your email address first/);
    const home = await followOnServer(server, person.agent, `${server.issuer}/account`);
    const options = await person.agent.request(`${server.issuer}/account/passkeys/options`, { form: { csrf: csrfToken(home.body) } });
    assert.equal(options.status, 403);

    const totp = await person.agent.submit(home, '/account/totp/start', {});
    assert.equal(totp.status, 303);
    assert.equal(new URL(totp.location!, server.issuer).pathname, '/account');
    const refused = await followOnServer(server, person.agent, `${server.issuer}/account`);
    assert.match(alertText(refused.body) ?? '', /Confirm your email address first\. Sign out and sign in again/);
    assert.equal((await server.app.db.primary.selectFrom('account_totp').select('account_id').where('account_id', '=', account.id).execute()).length, 0);

    const emailPage = await followOnServer(server, person.agent, `${server.issuer}/account/email`);
    const moved = await person.agent.submit(emailPage, '/account/email', { new_email: uniqueEmail('elsewhere'), current_password: PASSWORD });
    assert.equal(moved.status, 303);
    assert.equal(new URL(moved.location!, server.issuer).pathname, '/account/email');
    assert.match(alertText((await followOnServer(server, person.agent, `${server.issuer}/account/email`)).body) ?? '', /Confirm your email address first/);
    assert.equal((await server.app.db.primary.selectFrom('account_links').select('account_id').where('account_id', '=', account.id).where('purpose', '=', 'email-change').execute()).length, 0);
  });

  it('a reset link on an unconfirmed account confirms it and removes every factor: the registrant’s passkey no longer signs in', async () => {
    const victim = uniqueEmail('owner');
    // The registrant's account from an older release: an app and a passkey added, the address never confirmed.
    const registrant = await registerOnAccountPage(server, victim);
    const enrolled = await enrolOnAccountPage(server, registrant.agent);
    await stepUpOnAccountPage(server, registrant.agent, enrolled.clock);
    const { key, added } = await addPasskey(registrant.agent, 'registrant');
    assert.equal(added.status, 303);
    assert.equal((await passkeySignIn(key)).status, 303, 'the passkey signs in before the reset');
    await setVerified(victim, false);
    assert.deepEqual({ totp: (await user(victim)).mfa.totp, passkeys: (await user(victim)).mfa.passkeys }, { totp: true, passkeys: 1 });

    await resetThroughMail(victim, 'the owner’s own passphrase 2026');
    const after = await user(victim);
    assert.equal(after.email_verified, true, 'the link proved the mailbox');
    assert.deepEqual({ totp: after.mfa.totp, passkeys: after.mfa.passkeys }, { totp: false, passkeys: 0 });
    const stolen = await passkeySignIn(key);
    assert.notEqual(stolen.status, 303, `HIJACK: the registrant’s passkey still signs in (${stolen.status} ${stolen.location})`);
    const event = await server.app.db.primary.selectFrom('audit_events').select('detail').where('type', '=', 'password.reset').where('account_id', '=', after.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual((event.detail as { factors_removed?: unknown }).factors_removed, { totp: true, passkeys: 1 });
    assert.equal((event.detail as { email_confirmed?: unknown }).email_confirmed, true);
  });

  it('a passkey is added only within minutes of a sign-in, mailed to the owner, and listed by the password-changed notice; a reset keeps a confirmed account’s passkeys', async () => {
    const person = await registerOnAccountPage(server);
    await mailbox.skipAll();
    const { key, added } = await addPasskey(person.agent, 'My laptop');
    assert.equal(added.status, 303);
    const notice = await mailbox.next(person.email, /A passkey was added/);
    assert.match(notice.text, /A passkey named “My laptop” was just added/);

    await resetThroughMail(person.email, 'another long passphrase 2026');
    const changed = await mailbox.next(person.email, /password was changed/);
    assert.match(changed.text, /One passkey still signs in to this account without the password\. If you did not add it, remove it on your account page, under Passkeys\./);
    assert.equal((await user(person.email)).mfa.passkeys, 1, 'a confirmed account keeps its passkeys');
    assert.equal((await passkeySignIn(key)).status, 303);

    // The rule itself: a session that signed in longer ago is sent to sign in again.
    const session = { accountId: 'a', email: 'a@example.com', sessionId: 's', handle: 'h', csrfScope: 'c', emailVerified: true, signedInAt: 1_000 };
    assert.equal(passkeyAddition(session, 1_000 + RECENT_SIGN_IN_SECONDS), 'allowed');
    assert.equal(passkeyAddition(session, 1_001 + RECENT_SIGN_IN_SECONDS), 'reauth');
    assert.equal(passkeyAddition({ ...session, signedInAt: undefined }, 1_000), 'reauth');
    assert.equal(passkeyAddition({ ...session, emailVerified: false }, 1_000), 'unverified');
    const reauth = await person.agent.request(`${server.issuer}/account/login?reauth=passkeys`);
    assert.equal(reauth.status, 303);
    assert.equal(new URL(reauth.location!, server.issuer).searchParams.get('prompt'), 'login');
  });
  it('a session that signed in before its address needed confirming meets the email step at another client', async () => {
    const person = await registerOnAccountPage(server);
    // Signed in while the address counted as confirmed; then it no longer does (an older release's account).
    await setVerified(person.email, false);
    const other = await createThirdPartyClient(server, 'Another App');
    const page = await followOnServer(server, person.agent, authorizationUrl(server, other));
    assert.match(page.body, /<h1>Check your email<\/h1>/, `the session went on to ${page.status} ${page.url}`);
    assert.doesNotMatch(page.body, />Allow<\/button>/);
  });

  it('a passkey alone on an unconfirmed account meets the email step, and no passkey sign-in starts while it waits there', async () => {
    const person = await registerOnAccountPage(server);
    const { key, added } = await addPasskey(person.agent, 'mine');
    assert.equal(added.status, 303);
    await setVerified(person.email, false);
    const agent = new UserAgent();
    const answered = await passkeySignIn(key, agent);
    assert.equal(answered.status, 303);
    const step = await followOnServer(server, agent, new URL(answered.location!, server.issuer).href);
    assert.match(step.body, /<h1>Check your email<\/h1>/, `the passkey signed in: ${step.status} ${step.url}`);
    assert.equal((await user(person.email)).email_verified, false);
    const again = await agent.request(`${server.issuer}/interaction/${interactionUid(step)}/passkey/options`, { form: { csrf: csrfToken(step.body) } });
    assert.ok(again.status >= 400 && again.status < 500, `a passkey sign-in started at the email step: ${again.status}`);
  });

  it('refuses an authenticator app set up inside a sign-in while the address is unconfirmed', async () => {
    const person = await registerOnAccountPage(server);
    const client = await createThirdPartyClient(server, 'Demanding App');
    const url = new URL(authorizationUrl(server, client));
    url.searchParams.set('acr_values', 'urn:portcullis:acr:mfa');
    const start = await followOnServer(server, person.agent, url.href);
    assert.match(start.body, /<h1>Set up authenticator app<\/h1>/);
    const { page: setup } = await submitAndFollow(server, person.agent, start, '/enrol/start', {});
    await setVerified(person.email, false);

    const clock = new CodeClock(setupKeyOf(setup));
    const enrol = await person.agent.submit(setup, '/enrol', { code: (await clock.next()).code });
    assert.equal(enrol.status, 403, `the enrolment went on: ${enrol.status} ${enrol.location}`);
    assert.match(enrol.body, /Confirm your email address first/);
    const restart = await person.agent.submit(start, '/enrol/start', {});
    assert.equal(restart.status, 403);
    assert.equal((await user(person.email)).mfa.totp, false);
  });
});
