/**
 * The account page at /account (SECURITY.md A9, A12, R16): sign-in through the account client,
 * its cookie, CSRF on every form and 303 after every POST, password change ending other
 * sessions and tokens, turning the authenticator app off, regenerating recovery codes, and
 * signing out.
 */
import { confirmEmail } from './support/mail.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText } from './support/user-agent.js';
import { authorizationRequest, callbackOf, createClient, PASSWORD as HARNESS_PASSWORD, relyingParty, signUpAndRedeem, type RegisteredClient } from './support/oidc-harness.js';
import { enrolledUser, followOnServer, recoveryCodesOf, registerOnAccountPage, setupKeyOf, signInToAccount, submitAndFollow } from './support/mfa-journeys.js';

describe('account page', () => {
  let server: TestServer;
  let app: RegisteredClient;
  before(async () => {
    server = await startTestServer();
    app = await createClient(server, { first_party: true, grant_types: ['authorization_code', 'refresh_token'], scope: 'openid email offline_access' });
  });
  after(() => server.close());

  it('sends a signed-out visitor through a sign-in of the account client', async () => {
    const agent = new UserAgent();
    const first = await agent.request(`${server.issuer}/account`);
    assert.equal(first.status, 303);
    assert.equal(new URL(first.location!).pathname, '/account/login');
    const start = await agent.request(first.location!);
    assert.equal(start.status, 303);
    const auth = new URL(start.location!);
    assert.equal(auth.pathname, '/auth');
    assert.equal(auth.searchParams.get('client_id'), 'portcullis-account');
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
  });

  it('keeps its session in a signed, HttpOnly, SameSite=Lax cookie scoped to /account', async () => {
    const agent = new UserAgent();
    const login = await followOnServer(server, agent, `${server.issuer}/account`);
    const register = await agent.request(new URL(/href="([^"]*\/register)"/.exec(login.body)![1]!, login.url).href);
    const cookieEmail = `cookie-${Date.now()}@example.com`;
    const posted = await agent.submit(register, '/register', { email: cookieEmail, name: '', password: 'cookie test passphrase' });
    let page = await confirmEmail(agent, posted, cookieEmail);
    let setCookie: string[] = [];
    while (page.location) {
      page = await agent.request(page.location);
      if (new URL(page.url).pathname === '/account/callback') setCookie = page.headers.getSetCookie();
    }
    const account = setCookie.find((c) => c.startsWith('portcullis.account='));
    assert.ok(account, `no account cookie in ${setCookie.join(' | ')}`);
    assert.match(account, /; path=\/account/i);
    assert.match(account, /; httponly/i);
    assert.match(account, /; samesite=lax/i);
    assert.ok(setCookie.some((c) => c.startsWith('portcullis.account.sig=')), 'signed');
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>Your account<\/h1>/);
  });

  it('refuses a POST without the CSRF token of this account session, and changes nothing', async () => {
    const user = await registerOnAccountPage(server);
    const other = await registerOnAccountPage(server);
    const token = /name="csrf" value="([^"]+)"/.exec(other.home.body)![1]!;
    for (const csrf of [undefined, '', token]) {
      const answer = await user.agent.request(`${server.issuer}/account/password`, {
        form: { ...(csrf !== undefined && { csrf }), current_password: user.password, new_password: 'a password nobody asked for', confirm_password: 'a password nobody asked for' },
      });
      assert.equal(answer.status, 403, `csrf=${String(csrf)}`);
    }
    assert.match((await signInToAccount(server, user.email, { password: user.password })).body, /<h1>Your account<\/h1>/, 'the old password still works');
  });

  it('stores no authenticator seed on a GET or a POST without the CSRF token (SECURITY.md A12)', async () => {
    const user = await registerOnAccountPage(server);
    // Straight to the setup page, as a link from another site would send a signed-in person.
    const direct = await user.agent.request(`${server.issuer}/account/totp/setup`);
    assert.equal(direct.status, 303);
    assert.equal(new URL(direct.location!).pathname, '/account', 'no setup without pressing the button');
    for (const csrf of [undefined, '']) {
      const forged = await user.agent.request(`${server.issuer}/account/totp/start`, { form: csrf === undefined ? {} : { csrf } });
      assert.equal(forged.status, 403, `csrf=${String(csrf)}`);
    }
    assert.equal((await user.agent.request(`${server.issuer}/account/totp/setup`)).status, 303, 'still nothing to show: nothing was stored');

    // The button: one POST stores the seed, and the page shows the same seed on every reload.
    const { page: setup } = await submitAndFollow(server, user.agent, user.home, '/account/totp/start', {});
    assert.equal(setup.status, 200);
    const again = await followOnServer(server, user.agent, `${server.issuer}/account/totp/setup`);
    assert.equal(setupKeyOf(again), setupKeyOf(setup));
  });

  it('changes the password only with the current one and an allowed new one, answering 303 each time', async () => {
    const user = await registerOnAccountPage(server);
    const form = await followOnServer(server, user.agent, `${server.issuer}/account/password`);
    for (const [current, next, message] of [
      ['not my password', 'a fine new passphrase', /current password is incorrect/],
      [user.password, 'password1', /too common/],
      [user.password, 'short', /at least 8 characters/],
    ] as const) {
      const { posted, page } = await submitAndFollow(server, user.agent, form, '/account/password', { current_password: current, new_password: next, confirm_password: next });
      assert.equal(posted.status, 303);
      assert.equal(new URL(page.url).pathname, '/account/password');
      assert.match(alertText(page.body) ?? '', message);
    }
    assert.match((await signInToAccount(server, user.email, { password: user.password })).body, /<h1>Your account<\/h1>/, 'the old password still works');
  });

  it('ends other sessions and revokes refresh tokens on a password change, keeping this session', async () => {
    const config = await relyingParty(server, app);
    const elsewhere = await signUpAndRedeem(server, app, 'openid email offline_access');
    assert.ok(elsewhere.tokens.refresh_token);
    const here = new UserAgent();
    await signInToAccount(server, elsewhere.email, { agent: here, password: HARNESS_PASSWORD });
    const form = await followOnServer(server, here, `${server.issuer}/account/password`);
    const { page } = await submitAndFollow(server, here, form, '/account/password', { current_password: HARNESS_PASSWORD, new_password: 'the new passphrase for everyone', confirm_password: 'the new passphrase for everyone' });
    assert.match(page.body, /signed out everywhere else/);

    await assert.rejects(client.refreshTokenGrant(config, elsewhere.tokens.refresh_token), (error: any) => error.error === 'invalid_grant', 'the refresh token is dead');
    const silent = await authorizationRequest(config, { prompt: 'none', scope: 'openid email' });
    const answer = await followOnServer(server, elsewhere.agent, silent.url);
    assert.equal(callbackOf(answer).searchParams.get('error'), 'login_required', 'the other session ended');
    const stillHere = await here.request(`${server.issuer}/account`);
    assert.equal(stillHere.status, 200, 'this session goes on');
  });

  it('regenerates recovery codes with a current code, shown once, and the old set stops working', async () => {
    const user = await enrolledUser(server);
    const page = await followOnServer(server, user.agent, `${server.issuer}/account/recovery-codes`);
    const refused = await submitAndFollow(server, user.agent, page, '/account/recovery-codes', { code: '000000' });
    assert.equal(refused.posted.status, 303);
    assert.match(alertText(refused.page.body) ?? '', /not valid/);
    const { page: fresh } = await submitAndFollow(server, user.agent, refused.page, '/account/recovery-codes', { code: (await user.clock.next()).code });
    const codes = recoveryCodesOf(fresh);
    assert.equal(codes.length, 10);
    assert.deepEqual(codes.filter((c) => user.codes.includes(c)), []);
    assert.equal(recoveryCodesOf(await user.agent.request(fresh.url)).length, 0, 'shown once');
    const home = await followOnServer(server, user.agent, `${server.issuer}/account`);
    assert.match(home.body, /10 of 10 recovery codes left/);

    const disable = await followOnServer(server, user.agent, `${server.issuer}/account/totp/disable`);
    const old = await submitAndFollow(server, user.agent, disable, '/account/totp/disable', { code: user.codes[0]! });
    assert.match(alertText(old.page.body) ?? '', /not valid/, 'an old recovery code does nothing');
  });

  it('turns the authenticator app off with a recovery code; sign-in then asks for the password only', async () => {
    const user = await enrolledUser(server);
    const disable = await followOnServer(server, user.agent, `${server.issuer}/account/totp/disable`);
    const { page } = await submitAndFollow(server, user.agent, disable, '/account/totp/disable', { code: user.codes[4]! });
    assert.match(page.body, /authenticator app is turned off/);
    assert.match(page.body, /Set up authenticator app/);
    const fresh = await signInToAccount(server, user.email, { password: user.password });
    assert.match(fresh.body, /<h1>Your account<\/h1>/);
  });

  it('signs out: the provider session ends and the account page asks for sign-in again', async () => {
    const user = await registerOnAccountPage(server);
    const { posted, page } = await submitAndFollow(server, user.agent, user.home, '/account/logout', {});
    assert.equal(posted.status, 303);
    assert.match(page.body, /You are signed out/);
    const again = await user.agent.request(`${server.issuer}/account`);
    assert.equal(again.status, 303);
    const login = await followOnServer(server, user.agent, `${server.issuer}/account`);
    assert.match(login.body, /name="password"/);
  });
});
