/**
 * Sign-in with a second factor over HTTP (SECURITY.md A5, A7): the code step after the password,
 * acr/amr in the ID token, wrong and replayed codes, the attempt limit, 20 parallel submissions
 * of one code, and fresh sign-ins forced by prompt=login and max_age.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText, type Page } from './support/user-agent.js';
import { authorizationRequest, callbackOf, createClient, relyingParty, signUpAndRedeem, type RegisteredClient } from './support/oidc-harness.js';
import { enrolledUser, followOnServer, isCodeStep, submitAndFollow } from './support/mfa-journeys.js';

describe('sign-in with a second factor', () => {
  let server: TestServer;
  let app: RegisteredClient;
  let config: client.Configuration;
  before(async () => {
    server = await startTestServer();
    app = await createClient(server, { first_party: true });
    config = await relyingParty(server, app);
  });
  after(() => server.close());

  /** Starts an authorization request in `agent` and signs in with the password. */
  async function passwordStep(agent: UserAgent, email: string, password: string, params: Record<string, string> = {}) {
    const request = await authorizationRequest(config, params);
    const login = await followOnServer(server, agent, request.url);
    const { posted, page } = await submitAndFollow(server, agent, login, '/login', { email, password });
    return { request, posted, page };
  }

  const redeem = async (page: Page, request: Awaited<ReturnType<typeof authorizationRequest>>) =>
    client.authorizationCodeGrant(config, callbackOf(page), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });

  it('gives a password-only sign-in acr …:pwd and amr ["pwd"]', async () => {
    const { tokens } = await signUpAndRedeem(server, app, 'openid email');
    const claims = tokens.claims()!;
    assert.equal(claims.acr, 'urn:portcullis:acr:pwd');
    assert.deepEqual(claims.amr, ['pwd']);
    assert.equal(typeof claims.auth_time, 'number');
  });

  it('asks an account with TOTP for a code after the password, and finishes only when it verifies', async () => {
    const user = await enrolledUser(server);
    const agent = new UserAgent();
    const { posted, page } = await passwordStep(agent, user.email, user.password);
    assert.equal(posted.status, 303);
    assert.match(new URL(posted.location!).pathname, /^\/interaction\/[^/]+$/, 'back to the interaction, not on to the client');
    assert.ok(isCodeStep(page), 'the code step');
    assert.doesNotMatch(page.body, /name="password"/);

    // Jumping to the provider's resume URL before the code signs nobody in.
    const uid = new URL(page.url).pathname.split('/')[2]!;
    const resumed = await followOnServer(server, agent, `${server.issuer}/auth/${uid}`);
    assert.ok(!resumed.location?.includes('code='), 'no code was issued');

    const { request, page: again } = await passwordStep(agent, user.email, user.password);
    const wrong = await agent.submit(again, '/totp', { code: '000000' });
    assert.equal(wrong.status, 401);
    assert.match(alertText(wrong.body) ?? '', /not valid/);
    assert.ok(isCodeStep(wrong), 'only the code step is shown again');

    const { page: done } = await submitAndFollow(server, agent, wrong, '/totp', { code: (await user.clock.next()).code });
    assert.equal((await redeem(done, request)).claims()!.sub.length > 0, true);
  });

  it('refuses a replayed code and the previous step after the current one', async () => {
    const user = await enrolledUser(server);
    const first = await user.clock.next();
    const a = new UserAgent();
    const { page } = await passwordStep(a, user.email, user.password);
    const ok = await a.submit(page, '/totp', { code: first.code });
    assert.equal(ok.status, 303);
    const b = new UserAgent();
    const { page: second } = await passwordStep(b, user.email, user.password);
    const replay = await b.submit(second, '/totp', { code: first.code });
    assert.equal(replay.status, 401, 'the same code again');
    const older = await b.submit(replay, '/totp', { code: await user.clock.codeAt(first.step - 1) });
    assert.equal(older.status, 401, 'an older step after a newer one');
  });

  it('lets exactly one of 20 sign-ins submitting the same code in parallel through', async () => {
    const user = await enrolledUser(server);
    const agents = Array.from({ length: 20 }, () => new UserAgent());
    const steps = await Promise.all(agents.map((agent) => passwordStep(agent, user.email, user.password)));
    for (const step of steps) assert.ok(isCodeStep(step.page));
    const { code } = await user.clock.next();
    const answers = await Promise.all(agents.map((agent, i) => agent.submit(steps[i]!.page, '/totp', { code })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [303, ...Array<number>(19).fill(401)]);
  });

  it('ends the attempt with access_denied after five wrong codes', async () => {
    const user = await enrolledUser(server);
    const agent = new UserAgent();
    let { page } = await passwordStep(agent, user.email, user.password);
    for (let i = 0; i < 4; i++) {
      page = await agent.submit(page, '/totp', { code: '000000' });
      assert.equal(page.status, 401);
    }
    const last = await agent.submit(page, '/totp', { code: '000000' });
    assert.equal(last.status, 303);
    const end = await followOnServer(server, agent, last.location!);
    assert.equal(callbackOf(end).searchParams.get('error'), 'access_denied');
  });

  it('issues acr …:mfa and amr ["pwd","otp"] after a code, and a new session id (A7)', async () => {
    const user = await enrolledUser(server);
    const agent = new UserAgent();
    const { request, page } = await passwordStep(agent, user.email, user.password);
    const { page: done } = await submitAndFollow(server, agent, page, '/totp', { code: (await user.clock.next()).code });
    const claims = (await redeem(done, request)).claims()!;
    assert.equal(claims.acr, 'urn:portcullis:acr:mfa');
    assert.deepEqual(claims.amr, ['pwd', 'otp']);

    // Re-authentication with prompt=login: password and code again, and a new session id.
    const before = await sessionCookie(agent);
    const { page: again } = await passwordStep(agent, user.email, user.password, { prompt: 'login' });
    assert.ok(isCodeStep(again));
    const { page: redone } = await submitAndFollow(server, agent, again, '/totp', { code: (await user.clock.next()).code });
    callbackOf(redone);
    const afterLogin = await sessionCookie(agent);
    assert.notEqual(afterLogin, before, 'the session id changed');
    const stale = new UserAgent();
    for (const cookie of before.split('; ')) await stale.jar.setCookie(cookie, server.issuer);
    const silent = await authorizationRequest(config, { prompt: 'none' });
    const answer = await followOnServer(server, stale, silent.url);
    assert.equal(callbackOf(answer).searchParams.get('error'), 'login_required', 'the old session id is dead');
  });

  it('forces a fresh password sign-in for prompt=login and an exceeded max_age, not otherwise', async () => {
    const { agent } = await signUpAndRedeem(server, app, 'openid email');
    const signedIn = await followOnServer(server, agent, (await authorizationRequest(config)).url);
    callbackOf(signedIn);
    for (const params of [{ prompt: 'login' }, { max_age: '1' }] as Record<string, string>[]) {
      if (params.max_age) await sleep(2100);
      const page = await followOnServer(server, agent, (await authorizationRequest(config, params)).url);
      assert.equal(page.status, 200, JSON.stringify(params));
      assert.match(page.body, /name="password"/, `${JSON.stringify(params)} shows the password form`);
    }
    const recent = await followOnServer(server, agent, (await authorizationRequest(config, { max_age: '3600' })).url);
    callbackOf(recent);
  });

  async function sessionCookie(agent: UserAgent): Promise<string> {
    const cookies = await agent.jar.getCookies(server.issuer);
    return cookies.filter((c) => c.key.startsWith('portcullis.session')).map((c) => c.cookieString()).sort().join('; ');
  }
});
