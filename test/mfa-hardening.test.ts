/**
 * What an outside review turned against the second factor, now refused (SECURITY.md A15, A16, A1):
 * - a seed started in one flow is never shown to another, so nobody who knows only the password
 *   can plant a seed the owner then confirms (both orders);
 * - turning the app on ends every other session and revokes the grants made with a password only,
 *   with one audit event; the account page sends a password-only session to a step-up before it
 *   shows or changes anything;
 * - every code typed on the account page counts against the code limits: a flood is refused with
 *   429 + Retry-After after the limit, one `lockout` event, and a right code during the lockout
 *   changes nothing;
 * - (the account page's current-password limit: test/account-password-limits.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startRedisServer, type RedisServer } from '@portcullis/server/testing/redis-server.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText, csrfToken, type Page } from './support/user-agent.js';
import { authorizationRequest, callbackOf, createClient, relyingParty, signUpAndRedeem, type RegisteredClient } from './support/oidc-harness.js';
import {
  CodeClock, PASSWORD, enrolOnAccountPage, enrolledUser, followOnServer, recoveryCodesOf, isCodeStep, registerOnAccountPage, setupKeyOf, signInToAccount, submitAndFollow,
} from './support/mfa-journeys.js';

const MFA = 'urn:portcullis:acr:mfa';

// Both stores: sessions, grants, interactions and counters in PostgreSQL (embedded), and in a
// real Redis as in production.
for (const store of ['postgres', 'redis'] as const) describe(`second-factor hardening (${store})`, () => {
  let server: TestServer;
  let redis: RedisServer | undefined;
  let app: RegisteredClient;
  let config: client.Configuration;
  before(async () => {
    redis = store === 'redis' ? await startRedisServer() : undefined;
    server = await startTestServer({}, redis ? { redisUrl: redis.url } : {});
    app = await createClient(server, { first_party: true, grant_types: ['authorization_code', 'refresh_token'], scope: 'openid email offline_access' });
    config = await relyingParty(server, app);
  });
  after(async () => {
    await server.close();
    await redis?.close();
  });

  const events = async (email: string, type: string) => {
    const answer = await server.admin('GET', `/admin/audit?user=${encodeURIComponent(email)}&limit=1000`);
    return (answer.body.events as { type: string; outcome: string; detail: Record<string, unknown> }[]).filter((e) => e.type === type);
  };

  /** The attacker, who knows only the password: a sign-in demanding MFA, up to its setup page. */
  async function attackerSetupPage(email: string): Promise<{ agent: UserAgent; setup: Page }> {
    const agent = new UserAgent();
    const request = await authorizationRequest(config, { acr_values: MFA, scope: 'openid email', redirect_uri: app.redirect_uris[0]! });
    const login = await followOnServer(server, agent, request.url);
    const { page: setup } = await submitAndFollow(server, agent, login, '/login', { email, password: PASSWORD });
    assert.match(setup.body, /src="data:image\/svg\+xml;base64,/, 'the in-flow setup page');
    return { agent, setup };
  }

  /** The owner presses "Set up authenticator app" on /account. */
  async function ownerSetupPage(agent: UserAgent): Promise<Page> {
    const home = await followOnServer(server, agent, `${server.issuer}/account`);
    const { page } = await submitAndFollow(server, agent, home, '/account/totp/start', {});
    assert.equal(new URL(page.url).pathname, '/account/totp/setup');
    return page;
  }

  /** A fresh sign-in with the password and a code from `secret`: does it reach the client? */
  async function signsInWith(email: string, clock: CodeClock): Promise<boolean> {
    const agent = new UserAgent();
    const request = await authorizationRequest(config, { scope: 'openid email', redirect_uri: app.redirect_uris[0]! });
    const login = await followOnServer(server, agent, request.url);
    const { page: step } = await submitAndFollow(server, agent, login, '/login', { email, password: PASSWORD });
    assert.ok(isCodeStep(step), 'the account now asks for a code');
    const { page } = await submitAndFollow(server, agent, step, '/totp', { code: (await clock.next()).code });
    return page.location?.startsWith(app.redirect_uris[0]!) ?? false;
  }

  for (const order of ['attacker first', 'owner first'] as const) {
    it(`never shows a seed started in one flow to another, so a planted seed cannot sign in (${order})`, async () => {
      const owner = await registerOnAccountPage(server);
      let attacker: { setup: Page } | undefined;
      let ownerSetup: Page;
      if (order === 'attacker first') {
        attacker = await attackerSetupPage(owner.email);
        ownerSetup = await ownerSetupPage(owner.agent);
      } else {
        ownerSetup = await ownerSetupPage(owner.agent);
        attacker = await attackerSetupPage(owner.email);
      }
      const attackerClock = new CodeClock(setupKeyOf(attacker.setup));
      const ownerClock = new CodeClock(setupKeyOf(ownerSetup));
      assert.notEqual(attackerClock.secret, ownerClock.secret, 'each flow has its own seed (SECURITY.md A15)');
      const { page } = await submitAndFollow(server, owner.agent, ownerSetup, '/account/totp/setup', { code: (await ownerClock.next()).code });
      assert.equal(new URL(page.url).pathname, '/account/recovery-codes/new', 'the owner confirms their own seed');
      assert.equal(await signsInWith(owner.email, attackerClock), false, "the attacker's copy is refused");
      assert.equal(await signsInWith(owner.email, ownerClock), true, "the owner's app works");
    });
  }

  it('ends other sessions and revokes password-only grants when the app is turned on, with one event', async () => {
    const owner = await registerOnAccountPage(server);
    // The old session (agent A) also holds a refresh token of an application, from a password-only sign-in.
    const request = await authorizationRequest(config, { scope: 'openid email offline_access', redirect_uri: app.redirect_uris[0]! });
    const redirect = await followOnServer(server, owner.agent, request.url);
    const tokens = await client.authorizationCodeGrant(config, callbackOf(redirect, request.redirectUri), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    assert.ok(tokens.refresh_token);
    assert.equal(tokens.claims()?.acr, 'urn:portcullis:acr:pwd');

    const other = new UserAgent();
    await signInToAccount(server, owner.email, { agent: other });
    await enrolOnAccountPage(server, other);

    const old = await owner.agent.request(`${server.issuer}/account`);
    assert.equal(old.status, 303);
    assert.equal(new URL(old.location!).pathname, '/account/login', 'the old session is gone, not just asked to step up');
    await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token), (error: unknown) => (error as { error?: string }).error === 'invalid_grant');
    const enabled = await events(owner.email, 'mfa.enabled');
    assert.equal(enabled.length, 1);
    assert.equal(enabled[0]!.outcome, 'success');
    assert.ok(Number(enabled[0]!.detail.sessions_ended) >= 1 && Number(enabled[0]!.detail.grants_revoked) >= 1, JSON.stringify(enabled[0]!.detail));
    assert.deepEqual(await events(owner.email, 'session.revoked'), [], 'one event for one action');
  });

  it('turning the app on inside a sign-in revokes the refresh token that browser got with a password only', async () => {
    const { agent, tokens } = await signUpAndRedeem(server, app, 'openid email offline_access');
    assert.ok(tokens.refresh_token);
    // The same application now demands MFA; this browser enrols inside the sign-in.
    const request = await authorizationRequest(config, { acr_values: MFA, scope: 'openid email offline_access', redirect_uri: app.redirect_uris[0]! });
    const start = await followOnServer(server, agent, request.url);
    const { page: setup } = await submitAndFollow(server, agent, start, '/enrol/start', {});
    const clock = new CodeClock(setupKeyOf(setup));
    const { page: codes } = await submitAndFollow(server, agent, setup, '/enrol', { code: (await clock.next()).code });
    assert.equal(recoveryCodesOf(codes).length, 10, `the recovery codes, still inside the sign-in: ${codes.url}`);
    const { page: done } = await submitAndFollow(server, agent, codes, '/continue', {});
    const fresh = await client.authorizationCodeGrant(config, callbackOf(done, request.redirectUri), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    assert.equal(fresh.claims()?.acr, MFA, 'the sign-in finishes at the MFA level');
    await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token), (error: unknown) => (error as { error?: string }).error === 'invalid_grant', 'the password-only refresh token is dead');
    assert.ok(fresh.refresh_token);
    const renewed = await client.refreshTokenGrant(config, fresh.refresh_token);
    assert.ok(renewed.access_token, 'the new one works');
  });

  it('steps up a password-only session before the account page shows or changes anything', async () => {
    const owner = await registerOnAccountPage(server);
    const { clock } = await enrolOnAccountPage(server, owner.agent);
    // This session signed in with the password before the app existed.
    const token = csrfToken(owner.home.body);
    const change = await owner.agent.request(`${server.issuer}/account/password`, { form: { csrf: token, current_password: PASSWORD, new_password: 'a password the attacker chose', confirm_password: 'a password the attacker chose' } });
    assert.equal(change.status, 303);
    assert.equal(change.location && new URL(change.location).pathname + new URL(change.location).search, '/account/login?step_up=mfa');
    for (const path of ['/account', '/account/sessions', '/account/password', '/account/totp/disable']) {
      const page = await owner.agent.request(`${server.issuer}${path}`);
      assert.equal(page.status, 303, path);
      assert.match(page.location ?? '', /\/account\/login\?step_up=mfa$/, path);
    }
    // The step-up asks for the code only, then the page is back.
    const step = await followOnServer(server, owner.agent, `${server.issuer}/account`);
    assert.ok(isCodeStep(step), `expected the code step, got ${step.url}`);
    assert.doesNotMatch(step.body, /name="password"/);
    const { page } = await submitAndFollow(server, owner.agent, step, '/totp', { code: (await clock.next()).code });
    assert.match(page.body, /<h1>Your account<\/h1>/);
    assert.match((await signInToAccount(server, owner.email, { code: async () => (await clock.next()).code })).body, /<h1>Your account<\/h1>/, 'the password was not changed');
  });

  /** An enrolled person whose account-page session has stepped up to the code. */
  async function steppedUp(): Promise<{ agent: UserAgent; email: string; clock: CodeClock; token: string }> {
    const user = await enrolledUser(server);
    return { ...user, token: csrfToken(user.home.body) };
  }

  /** Sends `count` wrong codes to `path`, 50 at a time; the statuses seen. */
  async function flood(user: { agent: UserAgent; token: string }, path: string, count: number): Promise<{ statuses: Map<number, number>; retryAfter: string[] }> {
    const statuses = new Map<number, number>();
    const retryAfter: string[] = [];
    for (let sent = 0; sent < count; sent += 50) {
      const answers = await Promise.all(Array.from({ length: Math.min(50, count - sent) }, (_, i) =>
        user.agent.request(`${server.issuer}${path}`, { form: { csrf: user.token, code: String(100000 + ((sent + i) % 900000)) } })));
      for (const answer of answers) {
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 429) retryAfter.push(answer.headers.get('retry-after') ?? '');
      }
    }
    return { statuses, retryAfter };
  }

  it('limits codes typed to turn the app off: 2,000 wrong codes → at most the limits checked, 429, one lockout each (A1)', async () => {
    const user = await steppedUp();
    const { statuses, retryAfter } = await flood(user, '/account/totp/disable', 2000);
    // The test runner's address is exempt from the per-address limits, as in every suite. This
    // browser verified a code before, so its own device limit (10) goes first; used up, it is an
    // unknown device and the per-account limit (30 an hour) holds.
    assert.ok((statuses.get(303) ?? 0) <= 40, `checked ${statuses.get(303)} codes`);
    assert.equal((statuses.get(303) ?? 0) + (statuses.get(429) ?? 0), 2000, JSON.stringify([...statuses]));
    assert.ok(retryAfter.every((value) => Number(value) > 0));
    assert.deepEqual((await events(user.email, 'lockout')).map((e) => e.detail.scope).sort(), ['account', 'device']);
    const right = await user.agent.request(`${server.issuer}/account/totp/disable`, { form: { csrf: user.token, code: (await user.clock.next()).code } });
    assert.equal(right.status, 429, 'a right code during the lockout is not checked');
    assert.match(alertText(right.body) ?? '', /Too many attempts/);
    const home = await followOnServer(server, user.agent, `${server.issuer}/account`);
    assert.match(home.body, /Turn off authenticator app/, 'still on');
  });

  it("lets the owner's code through on a device that verified one before, while someone who knows the password has locked the account's codes (A14)", async () => {
    const user = await steppedUp();
    // Someone who knows the password signs in from fresh browsers and guesses codes: each browser
    // gets a device cookie from the password, but no trust for codes, so every guess counts
    // against the account until it is locked.
    let refused = 0;
    for (let attempt = 0; attempt < 8 && refused === 0; attempt++) {
      const agent = new UserAgent();
      const request = await authorizationRequest(config, { scope: 'openid email', redirect_uri: app.redirect_uris[0]! });
      const login = await followOnServer(server, agent, request.url);
      let { page } = await submitAndFollow(server, agent, login, '/login', { email: user.email, password: PASSWORD });
      for (let guess = 0; guess < 4 && refused === 0; guess++) {
        page = await agent.submit(page, '/totp', { code: String(200000 + attempt * 10 + guess) });
        if (page.status === 429) refused += 1;
      }
    }
    assert.equal(refused, 1, 'the per-account code limit refused the password holder');
    assert.deepEqual((await events(user.email, 'lockout')).map((e) => e.detail.scope), ['account']);
    // The owner, on the browser where a code verified before, regenerates recovery codes.
    const form = await followOnServer(server, user.agent, `${server.issuer}/account/recovery-codes`);
    const { page } = await submitAndFollow(server, user.agent, form, '/account/recovery-codes', { code: (await user.clock.next()).code });
    assert.equal(recoveryCodesOf(page).length, 10, `the owner's code went through: ${alertText(page.body) ?? page.url}`);
  });

  it('limits codes typed to regenerate recovery codes the same way', async () => {
    const user = await steppedUp();
    const { statuses } = await flood(user, '/account/recovery-codes', 200);
    assert.ok((statuses.get(303) ?? 0) <= 40 && (statuses.get(429) ?? 0) >= 160, JSON.stringify([...statuses]));
    assert.equal((await events(user.email, 'lockout')).length, 2);
    assert.ok((await events(user.email, 'mfa.recovery_codes_regenerated')).every((e) => e.outcome === 'failure'));
  });
});
