/**
 * RFC 9126 pushed authorization requests (oidc/par.ts), end to end with openid-client:
 * - a pushed request, then /auth with only client_id and the request_uri, completes the flow;
 * - a request_uri is single use;
 * - a client registered with require_pushed_authorization_requests is refused without one;
 * - the body is bounded (http/pushed-request-body.ts): 413 above 16 KiB, 411 without a length.
 * The limit on failed client authentications at /request is in test/limits-flood.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import { allow, callbackOf, createClient, followToClient, isConsentPage, postForm, register, relyingParty, send, uniqueEmail, REDIRECT_URI, type RegisteredClient } from './support/oidc-harness.js';

const PKCE_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('pushed authorization requests (RFC 9126)', () => {
  let server: TestServer;
  let web: RegisteredClient;
  before(async () => {
    server = await startTestServer();
    web = await createClient(server);
  });
  after(() => server.close());

  /** A pushed request through openid-client: the /auth URL it builds, and what to redeem with. */
  async function pushed(registered: RegisteredClient) {
    const config = await relyingParty(server, registered);
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
    });
    return { config, url, codeVerifier, state };
  }

  it('completes the code flow from a pushed request: /auth carries only client_id and request_uri', async () => {
    const { config, url, codeVerifier, state } = await pushed(web);
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    assert.match(url.searchParams.get('request_uri')!, /^urn:ietf:params:oauth:request_uri:/);
    const agent = new UserAgent();
    let page = await register(agent, await followToClient(agent, url.href), uniqueEmail('par'));
    if (isConsentPage(page)) page = await allow(agent, page);
    const tokens = await client.authorizationCodeGrant(config, callbackOf(page), { pkceCodeVerifier: codeVerifier, expectedState: state });
    assert.ok(tokens.access_token);
    assert.equal(tokens.claims()?.email !== undefined, true);
  });

  it('refuses a request_uri used a second time', async () => {
    const { url } = await pushed(web);
    const first = new UserAgent();
    let page = await register(first, await followToClient(first, url.href), uniqueEmail('par-once'));
    if (isConsentPage(page)) page = await allow(first, page);
    callbackOf(page);
    // The same request_uri again, by the same browser (signed in) and by another.
    for (const agent of [first, new UserAgent()]) {
      const again = callbackOf(await followToClient(agent, url.href));
      assert.equal(again.searchParams.get('error'), 'invalid_request_uri');
      assert.equal(again.searchParams.get('code'), null);
    }
  });

  it('refuses an authorization request without PAR from a client that requires it, and takes a pushed one', async () => {
    const strict = await createClient(server, { require_pushed_authorization_requests: true });
    const shown = await server.admin('GET', `/admin/clients/${strict.client_id}`);
    assert.equal(shown.body.require_pushed_authorization_requests, true);
    const config = await relyingParty(server, strict);
    const plain = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: PKCE_CHALLENGE, code_challenge_method: 'S256', state: 'st' });
    const refused = await send(plain.href, {});
    const location = new URL(refused.headers.get('location') ?? 'about:blank');
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI, `expected an error redirect, got ${refused.status}`);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description') ?? '', /pushed authorization request/i);
    const { url } = await pushed(strict);
    const started = await send(url.href, {});
    assert.equal(started.status, 303);
    assert.match(started.headers.get('location') ?? '', /\/interaction\//);
  });

  it('answers 413 to a pushed request over 16 KiB and 411 to one without a length, before the provider reads it', async () => {
    const endpoint = `${server.issuer}/request`;
    const form = { client_id: web.client_id, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: PKCE_CHALLENGE, code_challenge_method: 'S256' };
    const within = await postForm(endpoint, { ...form, state: 'x'.repeat(15 * 1024) }, web);
    assert.equal(within.status, 201, within.text);
    const over = await postForm(endpoint, { ...form, state: 'x'.repeat(16 * 1024) }, web);
    assert.equal(over.status, 413, over.text);
    assert.equal(over.body.error, 'invalid_request');
    // Even past the provider's own 56 KiB reader, which would answer 400.
    assert.equal((await postForm(endpoint, { ...form, state: 'x'.repeat(60 * 1024) }, web)).status, 413);
    const chunked = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(new URLSearchParams(form).toString())); c.close(); } });
    const unsized = await send(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: chunked, duplex: 'half' } as RequestInit);
    assert.equal(unsized.status, 411, unsized.text);
  });
});
