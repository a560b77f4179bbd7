/**
 * OpenID Connect Core §3.1.2.1: the authorization endpoint accepts POST. A form-POSTed request
 * is answered with a 303 to the same request as GET (http/authorization-post.ts), so a relying
 * party configured to POST can sign people in, and a person already signed in is recognised
 * (the GET carries the SameSite=Lax cookies a cross-site POST would not). Hostile bodies get a
 * clear 4xx page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import {
  authorizationRequest,
  callbackOf,
  followToClient,
  openOidcServer,
  register,
  relyingParty,
  send,
  uniqueEmail,
  type AuthorizationRequest,
  type Endpoints,
  type RegisteredClient,
} from './support/oidc-harness.js';

const FORM = 'application/x-www-form-urlencoded';

describe('authorization requests sent with POST', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let web: RegisteredClient;
  before(async () => {
    ({ server, endpoints, web } = await openOidcServer());
  });
  after(() => server.close());

  /** The request's parameters, as a relying party would put them in a form body. */
  const formOf = (request: AuthorizationRequest) => new URL(request.url).searchParams;

  async function postAuthorization(agent: UserAgent, body: URLSearchParams) {
    return agent.request(endpoints.authorization, { method: 'POST', form: Object.fromEntries(body) });
  }

  const redeem = async (page: { location?: string }, request: AuthorizationRequest) =>
    client.authorizationCodeGrant(await relyingParty(server, web), callbackOf(page as never, request.redirectUri), {
      pkceCodeVerifier: request.codeVerifier,
      expectedNonce: request.nonce,
      expectedState: request.state,
    });

  it('answers a form-POSTed authorization request with a 303 to the same request as GET', async () => {
    const config = await relyingParty(server, web);
    const request = await authorizationRequest(config);
    const agent = new UserAgent();
    const posted = await postAuthorization(agent, formOf(request));
    assert.equal(posted.status, 303);
    const location = new URL(posted.location!);
    assert.equal(`${location.origin}${location.pathname}`, endpoints.authorization);
    assert.deepEqual([...location.searchParams].sort(), [...formOf(request)].sort(), 'the same parameters, nothing added or lost');

    const email = uniqueEmail('post');
    const tokens = await redeem(await register(agent, await followToClient(agent, posted.location!), email), request);
    assert.equal(tokens.claims()!.email, email);

    // Signed in: the next POSTed request goes straight back to the client with a code.
    const again = await authorizationRequest(config);
    const second = await followToClient(agent, (await postAuthorization(agent, formOf(again))).location!);
    const tokensAgain = await redeem(second, again);
    assert.equal(tokensAgain.claims()!.sub, tokens.claims()!.sub);
  });

  it('refuses a POSTed authorization request that is not form-encoded', async () => {
    const params = Object.fromEntries(formOf(await authorizationRequest(await relyingParty(server, web))));
    for (const [type, body] of [['application/json', JSON.stringify(params)], ['text/plain', new URLSearchParams(params).toString()]] as const) {
      const response = await send(endpoints.authorization, { method: 'POST', headers: { 'content-type': type }, body });
      assert.equal(response.status, 415, type);
      assert.match(response.text, /role="alert"[^>]*>[^<]*x-www-form-urlencoded/, `${type}: the page says what to send`);
    }
  });

  it('refuses invalid UTF-8 and broken percent-escapes with 400', async () => {
    const form = formOf(await authorizationRequest(await relyingParty(server, web))).toString();
    const bodies: Record<string, Buffer> = {
      'raw bytes that are not UTF-8': Buffer.concat([Buffer.from(`${form}&state=`), Buffer.from([0xff, 0xfe, 0xc3, 0x28])]),
      'a percent-escape that is not UTF-8': Buffer.from(`${form}&login_hint=%FF%FE`),
      'a non-hex escape': Buffer.from(`${form}&login_hint=a%ZZ`),
    };
    for (const [label, body] of Object.entries(bodies)) {
      const response = await send(endpoints.authorization, { method: 'POST', headers: { 'content-type': FORM }, body: new Uint8Array(body) });
      assert.equal(response.status, 400, label);
      assert.equal(response.headers.get('location'), null, `${label}: no redirect`);
      assert.match(response.text, /role="alert"/, `${label}: an error page`);
    }
  });

  it('refuses a POSTed authorization request over 8 KiB with 413', async () => {
    const form = formOf(await authorizationRequest(await relyingParty(server, web)));
    form.set('login_hint', 'a'.repeat(9 * 1024));
    const response = await send(endpoints.authorization, { method: 'POST', headers: { 'content-type': FORM }, body: form.toString() });
    assert.equal(response.status, 413);
    assert.equal(response.headers.get('location'), null);
  });

  it('refuses a body that would re-encode to a redirect too long for a proxy (413), and keeps every Location within 4 KiB', async () => {
    const form = formOf(await authorizationRequest(await relyingParty(server, web)));
    // 2,000 "!" are 2,000 bytes in the body and 6,000 once re-encoded as %21.
    const body = `${form.toString()}&login_hint=${'!'.repeat(2000)}`;
    assert.ok(body.length < 8 * 1024);
    const response = await send(endpoints.authorization, { method: 'POST', headers: { 'content-type': FORM }, body });
    assert.equal(response.status, 413);
    assert.equal(response.headers.get('location'), null);
    const fits = await send(endpoints.authorization, { method: 'POST', headers: { 'content-type': FORM }, body: `${form.toString()}&login_hint=${'!'.repeat(500)}` });
    assert.equal(fits.status, 303);
    assert.ok((fits.headers.get('location') ?? '').length <= 4 * 1024 + '/auth?'.length);
  });
});
