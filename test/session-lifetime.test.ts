/**
 * Session lifetimes (SECURITY.md A8, oidc/lifetimes.ts): a session ends 12 h after its sign-in
 * however often it is used, and after 2 h without use before that. The clock is the test's:
 * Date is mocked for the whole process (the embedded server runs in it), so hours pass at once.
 * Each check is a silent authorization request (`prompt=none`) carrying the browser's session
 * cookie even when the browser would have dropped it, so what is tested is the server's answer:
 * a code while the session lives, `login_required` once it has ended.
 * Embedded only: a real Redis expires keys on its own clock, which a test cannot move.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { authorizationRequest, createClient, relyingParty, signUpAndRedeem, type RegisteredClient } from './support/oidc-harness.js';
import type { UserAgent } from './support/user-agent.js';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

describe('session lifetimes', () => {
  let server: TestServer;
  let app: RegisteredClient;
  before(async () => {
    // Any env makes it an embedded server, also when the suites run against the stack.
    server = await startTestServer({ LOG_LEVEL: 'error' });
    app = await createClient(server, { first_party: true });
  });
  after(async () => {
    mock.timers.reset();
    await server.close();
  });

  /** Signs a new person in at "now" and starts the mocked clock there. */
  const signedInNow = async () => {
    const { agent } = await signUpAndRedeem(server, app, 'openid email');
    const start = Date.now();
    mock.timers.reset();
    mock.timers.enable({ apis: ['Date'], now: start });
    return { agent, at: (offset: number) => mock.timers.setTime(start + offset) };
  };

  /** `code` while the session lives, `login_required` once it has ended. */
  const silent = async (agent: UserAgent): Promise<string> => {
    const request = await authorizationRequest(await relyingParty(server, app), { scope: 'openid email', prompt: 'none' });
    // expire: false — the cookie goes even when its own expiry says the browser would drop it.
    const cookie = await agent.jar.getCookieString(request.url, { expire: false });
    const response = await fetch(request.url, { headers: { cookie }, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) await agent.jar.setCookie(setCookie, request.url);
    const location = new URL(response.headers.get('location') ?? 'about:blank');
    return location.searchParams.has('code') ? 'code' : (location.searchParams.get('error') ?? `status ${response.status}`);
  };

  it('ends a session 12 h after sign-in, even when it was used every 1 h 55 min', async () => {
    const { agent, at } = await signedInNow();
    for (let used = 1; used <= 6; used++) {
      at(used * (HOUR + 55 * MINUTE));
      assert.equal(await silent(agent), 'code', `still signed in after ${used} uses`);
    }
    at(12 * HOUR + MINUTE);
    assert.equal(await silent(agent), 'login_required');
  });

  it('ends a session after 2 h without use', async () => {
    const { agent, at } = await signedInNow();
    at(HOUR + 59 * MINUTE);
    assert.equal(await silent(agent), 'code');
    at(HOUR + 59 * MINUTE + 2 * HOUR + MINUTE);
    assert.equal(await silent(agent), 'login_required');
  });
});
