/**
 * Step-up and the lasting MFA requirement (SECURITY.md A5, A6):
 * - `acr_values=urn:portcullis:acr:mfa` takes a password-only person through enrolment inside
 *   the flow (QR code, code, recovery codes once, Continue) and ends with acr …:mfa;
 * - a session signed in with a password only is asked just for the code once TOTP is on;
 * - acr_values that also accept …:pwd do not force anything;
 * - a password change never removes the code step.
 */
import { confirmEmail } from './support/mail.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText, formAction } from './support/user-agent.js';
import { authorizationRequest, callbackOf, createClient, relyingParty, signUpAndRedeem, type RegisteredClient } from './support/oidc-harness.js';
import { CodeClock, enrolOnAccountPage, enrolledUser, followOnServer, isCodeStep, recoveryCodesOf, setupKeyOf, signInToAccount, submitAndFollow } from './support/mfa-journeys.js';

const MFA = 'urn:portcullis:acr:mfa';
const PWD = 'urn:portcullis:acr:pwd';

describe('step-up and the MFA requirement', () => {
  let server: TestServer;
  let app: RegisteredClient;
  let config: client.Configuration;
  before(async () => {
    server = await startTestServer();
    app = await createClient(server, { first_party: true });
    config = await relyingParty(server, app);
  });
  after(() => server.close());

  it('enrols a password-only person inside the flow when the client demands MFA', async () => {
    const { agent } = await signUpAndRedeem(server, app, 'openid email');
    const request = await authorizationRequest(config, { acr_values: MFA });
    // No password in this interaction: the seed waits for a POST (SECURITY.md A12), so the
    // first page is the start button, and reloading it stores nothing.
    const start = await followOnServer(server, agent, request.url);
    assert.match(start.body, /<h1>Set up authenticator app<\/h1>/);
    assert.doesNotMatch(start.body, /name="password"/, 'the password is not asked again');
    assert.doesNotMatch(start.body, /data:image/, 'no seed yet');
    assert.doesNotMatch((await agent.request(start.url)).body, /data:image/, 'a reload stores no seed either');
    const forged = await agent.request(new URL(formAction(start.body, '/enrol/start'), start.url).href, { form: {} });
    assert.equal(forged.status, 403, 'the start button needs the CSRF token');
    const { page: setup } = await submitAndFollow(server, agent, start, '/enrol/start', {});
    assert.match(setup.body, /src="data:image\/svg\+xml;base64,/);

    const wrong = await agent.submit(setup, '/enrol', { code: '000000' });
    assert.equal(wrong.status, 400);
    assert.match(alertText(wrong.body) ?? '', /not valid/);
    assert.equal(setupKeyOf(wrong), setupKeyOf(setup), 'the same setup key is shown again');

    const clock = new CodeClock(setupKeyOf(setup));
    const { page: codesPage } = await submitAndFollow(server, agent, wrong, '/enrol', { code: (await clock.next()).code });
    assert.equal(recoveryCodesOf(codesPage).length, 10);
    const reload = await agent.request(codesPage.url);
    assert.equal(recoveryCodesOf(reload).length, 0, 'shown once');

    const { page: done } = await submitAndFollow(server, agent, reload, '/continue', {});
    const tokens = await client.authorizationCodeGrant(config, callbackOf(done), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    assert.equal(tokens.claims()!.acr, MFA);
    assert.deepEqual(tokens.claims()!.amr, ['pwd', 'otp']);
  });

  it('asks a password-only session for the code alone once TOTP is on, then passes acr_values at …:mfa', async () => {
    const agent = new UserAgent();
    const email = `stepup-${Date.now()}@example.com`;
    await signUpAndRedeemWith(agent, email);
    // TOTP turned on from the account page, in this very (password-only) session.
    await signInToAccount(server, email, { agent, password: 'correct horse battery staple 42' });
    const { clock } = await enrolOnAccountPage(server, agent);
    const request = await authorizationRequest(config);
    const page = await followOnServer(server, agent, request.url);
    assert.ok(isCodeStep(page), 'the code step');
    assert.doesNotMatch(page.body, /name="password"/);
    const { page: done } = await submitAndFollow(server, agent, page, '/totp', { code: (await clock.next()).code });
    const tokens = await client.authorizationCodeGrant(config, callbackOf(done), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    assert.equal(tokens.claims()!.acr, MFA);
    // The session is now at …:mfa: a step-up request passes without another code.
    const stepUp = await authorizationRequest(config, { acr_values: MFA });
    const passed = await followOnServer(server, agent, stepUp.url);
    const again = await client.authorizationCodeGrant(config, callbackOf(passed), { pkceCodeVerifier: stepUp.codeVerifier, expectedNonce: stepUp.nonce, expectedState: stepUp.state });
    assert.equal(again.claims()!.acr, MFA);
  });

  it('lets acr_values that also accept a password pass a password-only session', async () => {
    const { agent } = await signUpAndRedeem(server, app, 'openid email');
    const request = await authorizationRequest(config, { acr_values: `${MFA} ${PWD}` });
    const done = await followOnServer(server, agent, request.url);
    const tokens = await client.authorizationCodeGrant(config, callbackOf(done), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    assert.equal(tokens.claims()!.acr, PWD);
  });

  it('still asks for the code after a password change (A6)', async () => {
    const user = await enrolledUser(server);
    const form = await followOnServer(server, user.agent, `${server.issuer}/account/password`);
    const newPassword = 'a brand new passphrase after the change';
    const { page: home } = await submitAndFollow(server, user.agent, form, '/account/password', { current_password: user.password, new_password: newPassword, confirm_password: newPassword });
    assert.match(home.body, /Your password was changed/);
    const agent = new UserAgent();
    const login = await followOnServer(server, agent, (await authorizationRequest(config)).url);
    const { page } = await submitAndFollow(server, agent, login, '/login', { email: user.email, password: newPassword });
    assert.ok(isCodeStep(page), 'the code step survives the password change');
  });

  async function signUpAndRedeemWith(agent: UserAgent, email: string) {
    const request = await authorizationRequest(config);
    const login = await followOnServer(server, agent, request.url);
    const href = /href="([^"]*\/register)"/.exec(login.body)![1]!;
    const register = await agent.request(new URL(href, login.url).href);
    const registered = await agent.submit(register, '/register', { email, name: '', password: 'correct horse battery staple 42' });
    const page = await followOnServer(server, agent, (await confirmEmail(agent, registered, email)).location!);
    return callbackOf(page);
  }
});
