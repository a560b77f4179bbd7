/**
 * The device authorization grant (RFC 8628) end to end: openid-client starts it and polls while a
 * person in headless Chromium enters the code at /device, allows, and signs in; then the refusals:
 * unknown, expired and used codes, Deny, polling too fast, a client without the grant, and the
 * guessing limit (last: it blocks this address's /device for the rest of the file).
 * One embedded server with the address limits on (RATE_LIMIT_EXEMPT empty) and a small guessing
 * limit, so the 429 is reached in a few requests; then the core of it once more on Redis.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { openBrowser, type BrowserSession } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { registerAccount, uniqueEmail } from './support/pages.js';
import { UserAgent, alertText, type Page } from './support/user-agent.js';
import { startRedisServer, type RedisServer } from '@portcullis/server/testing/redis-server.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const PASSWORD = 'a passphrase for the device test';

interface DeviceStart { device_code: string; user_code: string; verification_uri: string; verification_uri_complete: string; expires_in: number; interval: number }

describe('device authorization grant (RFC 8628)', () => {
  let server: TestServer;
  let deviceClientId: string;
  let otherClientId: string;
  let secondDeviceClientId: string;
  let email: string;

  before(async () => {
    server = await startTestServer({ RATE_LIMIT_EXEMPT: '', RATE_LIMIT_DEVICE_CODE_ADDRESS: '4/15m:15m' });
    const created = await server.admin('POST', '/admin/clients', {
      client_name: 'Living Room TV', public: true, grant_types: [DEVICE_GRANT, 'refresh_token'], scope: 'openid email offline_access',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    deviceClientId = created.body.client_id;
    const other = await server.admin('POST', '/admin/clients', { client_name: 'Browser only', public: true, redirect_uris: ['https://app.example/cb'] });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    otherClientId = other.body.client_id;
    const second = await server.admin('POST', '/admin/clients', { client_name: 'Kitchen TV', public: true, grant_types: [DEVICE_GRANT] });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    secondDeviceClientId = second.body.client_id;
    email = uniqueEmail('device');
    await registerAccount(server, { email, password: PASSWORD });
  });
  after(() => server?.close());

  const start = async (clientId = deviceClientId, scope = 'openid email'): Promise<{ status: number; body: DeviceStart & { error?: string; error_description?: string } }> => {
    const response = await fetch(`${server.issuer}/device/auth`, { method: 'POST', body: new URLSearchParams({ client_id: clientId, scope }) });
    return { status: response.status, body: (await response.json()) as DeviceStart & { error?: string; error_description?: string } };
  };
  const poll = async (deviceCode: string, clientId = deviceClientId) => {
    const response = await fetch(`${server.issuer}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** Opens /device and submits `code`: the confirm page, or the input page with an error. */
  const enter = async (agent: UserAgent, code: string): Promise<Page> => {
    const form = await agent.request(`${server.issuer}/device`);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    return agent.request(`${server.issuer}/device`, { form: { xsrf, user_code: code } });
  };
  /** Presses a button of the confirm page (confirm=yes for Allow, abort=yes for Deny). */
  const press = (agent: UserAgent, confirmPage: Page, button: 'confirm' | 'abort') => {
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirmPage.body)![1]!;
    const userCode = /name="user_code" value="([^"]+)"/.exec(confirmPage.body)![1]!;
    return agent.request(`${server.issuer}/device`, { form: { xsrf, user_code: userCode, [button]: 'yes' } });
  };

  it('signs a device in: the code entered in Chromium, openid-client polls and gets tokens', async () => {
    const config = await client.discovery(new URL(server.issuer), deviceClientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid email offline_access' });
    assert.match(started.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/, 'base-20: no vowels, no digits');
    assert.equal(started.verification_uri, `${server.issuer}/device`);
    assert.equal(started.interval, 5);
    assert.equal(started.expires_in, 600);
    const controller = new AbortController();
    const polled = client.pollDeviceAuthorizationGrant(config, started, undefined, { signal: controller.signal });

    let session: BrowserSession | undefined;
    try {
      session = await openBrowser();
      const { page } = session;
      await page.goto(`${server.issuer}/device`);
      // Typed the way people type it: lower case, a space instead of the dash.
      await page.getByLabel('Code').fill(started.user_code.toLowerCase().replace('-', ' '));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      const confirm = await page.locator('main').innerText();
      assert.match(confirm, /Living Room TV/);
      assert.ok(confirm.includes(started.user_code), 'the code to compare with the device');
      assert.match(confirm, /Node\.js|undici|address 127\.0\.0\.1|::1/, 'the device that asked');
      assert.match(confirm, /email/, 'the scopes');
      assert.match(confirm, /sent you this code/, 'the remote-phishing warning (RFC 8628 §5.4)');
      await page.getByRole('button', { name: 'Allow' }).click();

      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // A third-party client: the usual consent page follows the sign-in.
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('heading', { name: 'Device connected' }).waitFor();
      assert.match(await page.locator('main').innerText(), /Living Room TV is now signed in/);

      // Signed in now: a second device's confirm page names the account it will get.
      const second = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
      await page.goto(second.verification_uri_complete!);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      assert.ok((await page.locator('main').innerText()).includes(`Signed in as ${email}`));
      assert.deepEqual(session.problems, [], 'no CSP violation or script error on the pages');
    } catch (error) {
      controller.abort();
      throw error;
    } finally {
      await session?.close();
    }

    const tokens = await polled;
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token, 'offline_access gives the device a refresh token');
    assert.equal(tokens.claims()?.email, email);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.equal(userinfo.email, email);

    // The sign-in at /device is a session like any other: listed with the browser it came from.
    const sessions = await server.admin('GET', `/admin/users/${encodeURIComponent(email)}/sessions`);
    assert.ok((sessions.body.sessions as { user_agent: string | null }[]).some((s) => /Chrome/.test(s.user_agent ?? '')), JSON.stringify(sessions.body));

    // The device code was used: polling it again is refused.
    const again = await poll(started.device_code);
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant');
  });

  it('prefills the code from verification_uri_complete but still asks to continue and allow', async () => {
    const { body } = await start();
    const agent = new UserAgent();
    const page = await agent.request(body.verification_uri_complete);
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(`id="user_code"[^>]*value="${body.user_code}"`));
    assert.doesNotMatch(page.body, /<script>/, 'no auto-submitting page');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'nonce-/);
  });

  it('answers authorization_pending, then slow_down when polled too fast', async () => {
    const { body } = await start();
    const first = await poll(body.device_code);
    assert.equal(first.status, 400);
    assert.equal(first.body.error, 'authorization_pending');
    const fast = await poll(body.device_code);
    assert.equal(fast.status, 400);
    assert.equal(fast.body.error, 'slow_down');
  });

  it('answers access_denied to the device after Deny', async () => {
    const { body } = await start();
    const agent = new UserAgent();
    const confirm = await enter(agent, body.user_code);
    assert.match(confirm.body, /Living Room TV/);
    const denied = await press(agent, confirm, 'abort');
    assert.equal(denied.status, 200);
    assert.match(denied.body, /Device not connected/);
    const polled = await poll(body.device_code);
    assert.equal(polled.body.error, 'access_denied');
    // The code cannot be confirmed after all.
    const again = await enter(new UserAgent(), body.user_code);
    assert.match(alertText(again.body) ?? '', /already been used/);
  });

  it('cannot confirm a code twice, from another browser either', async () => {
    const { body } = await start();
    const first = new UserAgent();
    const confirm = await enter(first, body.user_code);
    const allowed = await press(first, confirm, 'confirm');
    assert.equal(allowed.status, 303, 'on to the sign-in');
    const second = await enter(new UserAgent(), body.user_code);
    assert.match(alertText(second.body) ?? '', /already been used/);
    assert.doesNotMatch(second.body, /name="confirm"/);
  });

  it('refuses an expired code on the page and with expired_token to the device', async () => {
    const { body } = await start();
    const provider = server.app.holder.current();
    const adapter = provider.DeviceCode.adapter;
    const payload = await adapter.find(body.device_code);
    assert.ok(payload);
    await adapter.upsert(body.device_code, { ...payload, exp: Math.floor(Date.now() / 1000) - 1 }, 60);
    const page = await enter(new UserAgent(), body.user_code);
    assert.match(alertText(page.body) ?? '', /expired/);
    const polled = await poll(body.device_code);
    assert.equal(polled.body.error, 'expired_token');
  });

  it('refuses the device flow to a client registered without the grant type', async () => {
    const refused = await start(otherClientId);
    assert.equal(refused.status, 400);
    // The library's answer: invalid_request, naming the grant.
    assert.equal(refused.body.error, 'invalid_request', JSON.stringify(refused.body));
    assert.match(String(refused.body.error_description), /device_code is not allowed for this client/);
    // Nor can it poll the token endpoint with the grant.
    const { body } = await start();
    const polled = await poll(body.device_code, otherClientId);
    assert.equal(polled.body.error, 'invalid_request');
    assert.match(String(polled.body.error_description), /grant type is not allowed/);
  });

  it('refuses a device code to another device client', async () => {
    const { body } = await start();
    const stolen = await poll(body.device_code, secondDeviceClientId);
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant', JSON.stringify(stolen.body));
    // The rightful client still waits for the person.
    assert.equal((await poll(body.device_code)).body.error, 'authorization_pending');
  });

  it('refuses a code form without the CSRF value of this browser, and does not count it as a guess', async () => {
    const { body } = await start();
    const agent = new UserAgent();
    await agent.request(`${server.issuer}/device`);
    for (const xsrf of ['', 'forged']) {
      const page = await agent.request(`${server.issuer}/device`, { form: { xsrf, user_code: body.user_code } });
      assert.equal(page.status, 400);
      assert.match(alertText(page.body) ?? '', /expired or was not sent from this site/);
      assert.doesNotMatch(page.body, /name="confirm"/);
    }
    // A browser without the provider's session cookie (a cross-site form, or a session that
    // ended) is sent to a fresh form, code not looked up.
    const crossSite = await fetch(`${server.issuer}/device`, { method: 'POST', body: new URLSearchParams({ xsrf: 'x', user_code: body.user_code }), redirect: 'manual' });
    assert.equal(crossSite.status, 303);
    assert.equal(crossSite.headers.get('location'), '/device');
    assert.equal((await poll(body.device_code)).body.error, 'authorization_pending');
    // Not guesses: the limit test below still gets its four unknown codes before the 429.
  });

  it('prefills only the first code of a link that repeats it, never an auto-submitting page', async () => {
    const page = await new UserAgent().request(`${server.issuer}/device?user_code=BCDF-GHJK&user_code=ZZZZ-ZZZZ`);
    assert.equal(page.status, 200);
    assert.match(page.body, /id="user_code"[^>]*value="BCDF-GHJK"/);
    assert.doesNotMatch(page.body, /<script>/);
  });

  it('shows the /device pages in the browser\'s language', async () => {
    const { body } = await start();
    for (const [language, title, confirm] of [['de', 'Gerät verbinden', 'Ablehnen'], ['fr', 'Connecter un appareil', 'Refuser']] as const) {
      const agent = new UserAgent();
      const headers = { 'accept-language': language };
      const form = await agent.request(`${server.issuer}/device`, { headers });
      assert.match(form.body, new RegExp(`<html lang="${language}"`));
      assert.ok(form.body.includes(title), `${language}: ${title}`);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(form.body)![1]!;
      const page = await agent.request(`${server.issuer}/device`, { form: { xsrf, user_code: body.user_code }, headers });
      assert.ok(page.body.includes(confirm), `${language}: ${confirm}`);
    }
  });

  // Last: it blocks this address's /device for the rest of the window.
  it('shows an unknown code as an error, counts it per address, and answers 429 with Retry-After at the limit', async () => {
    const agent = new UserAgent();
    const guesses: Page[] = [];
    for (let i = 0; i < 4; i++) guesses.push(await enter(agent, 'BCDF-GHJK'));
    for (const guess of guesses) {
      assert.equal(guess.status, 200);
      assert.match(alertText(guess.body) ?? '', /not valid/);
    }
    const limited = await enter(agent, 'BCDF-GHJK');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.match(limited.body, /Too many attempts/);
    // The device side is untouched: a device can still start and poll.
    assert.equal((await start()).status, 200);
  });
});

// The same protocol with the provider's artefacts and the counters in Redis, as in production:
// the user-code index, the single use of a device code and the polling pace go through Redis.
describe('device authorization grant on Redis', () => {
  let redis: RedisServer;
  let server: TestServer;
  before(async () => {
    redis = await startRedisServer();
    server = await startTestServer({}, { redisUrl: redis.url });
  });
  after(async () => {
    await server?.close();
    await redis?.close();
  });

  it('finds the code, paces the polling, signs the device in once', async () => {
    const created = await server.admin('POST', '/admin/clients', { client_name: 'Redis TV', public: true, first_party: true, grant_types: [DEVICE_GRANT] });
    const clientId = created.body.client_id as string;
    const email = uniqueEmail('device-redis');
    await registerAccount(server, { email, password: PASSWORD });
    const started = (await (await fetch(`${server.issuer}/device/auth`, { method: 'POST', body: new URLSearchParams({ client_id: clientId, scope: 'openid email' }) })).json()) as DeviceStart;
    const poll = async () => (await (await fetch(`${server.issuer}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: started.device_code, client_id: clientId }) })).json()) as Record<string, unknown>;
    assert.equal((await poll()).error, 'authorization_pending');
    assert.equal((await poll()).error, 'slow_down');

    const agent = new UserAgent();
    const form = await agent.request(`${server.issuer}/device`);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(form.body)![1]!;
    const confirm = await agent.request(`${server.issuer}/device`, { form: { xsrf, user_code: started.user_code.toLowerCase() } });
    assert.match(confirm.body, /Redis TV/);
    const allowXsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)![1]!;
    const allowed = await agent.request(`${server.issuer}/device`, { form: { xsrf: allowXsrf, user_code: started.user_code.toLowerCase(), confirm: 'yes' } });
    const login = await agent.follow(allowed.location!);
    const signedIn = await agent.submit(login, '/login', { email, password: PASSWORD });
    const done = await agent.follow(signedIn.location!);
    assert.match(done.body, /Device connected/);

    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const tokens = await poll();
    assert.ok(tokens.access_token, JSON.stringify(tokens));
    assert.equal((await poll()).error, 'invalid_grant');
  });
});
