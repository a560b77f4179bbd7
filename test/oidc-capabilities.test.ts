/**
 * What discovery advertises and no other suite exercises, and what it no longer advertises
 * (SECURITY.md A18; test/discovery.test.ts maps every advertised value to its test):
 * - client_secret_post, ID tokens in each advertised algorithm, the form_post and fragment
 *   response modes, the public subject type;
 * - features left off on purpose: request objects and request_uri (other than a pushed
 *   request's, test/protocol-par.test.ts), the claims parameter and resource indicators (the
 *   library turns the last on unless told otherwise). PAR and DPoP: test/protocol-*.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import * as client from 'openid-client';
import { type TestServer } from './support/test-server.js';
import { UserAgent, type Page } from './support/user-agent.js';
import {
  REDIRECT_URI,
  authorizationRequest,
  callbackOf,
  codeFor,
  createClient,
  followToClient,
  openOidcServer,
  postForm,
  register,
  relyingParty,
  send,
  uniqueEmail,
  type AuthorizationRequest,
  type Endpoints,
  type RegisteredClient,
} from './support/oidc-harness.js';

describe('advertised capabilities', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let web: RegisteredClient;
  before(async () => {
    ({ server, endpoints, web } = await openOidcServer());
  });
  after(() => server.close());

  /** A new person signs up through `registered` with extra request parameters; returns the last page on our origin or the redirect to the client. */
  async function signUpWith(registered: RegisteredClient, params: Record<string, string>): Promise<{ page: Page; request: AuthorizationRequest; agent: UserAgent }> {
    const request = await authorizationRequest(await relyingParty(server, registered), { redirect_uri: registered.redirect_uris[0]!, ...params });
    const agent = new UserAgent();
    const page = await register(agent, await followToClient(agent, request.url), uniqueEmail('caps'));
    return { page, request, agent };
  }

  const redeem = (code: string, request: AuthorizationRequest, as: RegisteredClient) =>
    postForm(endpoints.token, { grant_type: 'authorization_code', code, redirect_uri: request.redirectUri, code_verifier: request.codeVerifier }, as);

  // The library accepts a secret either way for both secret methods (its client_auth.js).
  it('authenticates a confidential client with client_secret_post', async () => {
    const registered = await createClient(server, { first_party: true, token_endpoint_auth_method: 'client_secret_post' });
    const { code, request } = await codeFor(server, registered);
    const form = { grant_type: 'authorization_code', code, redirect_uri: request.redirectUri, code_verifier: request.codeVerifier };
    const withPost = await postForm(endpoints.token, { ...form, client_id: registered.client_id, client_secret: registered.client_secret! });
    assert.equal(withPost.status, 200, withPost.text);
    assert.equal(typeof withPost.body.access_token, 'string');
  });

  it('signs ID tokens with each advertised algorithm the client registered', async () => {
    const keys = jose.createRemoteJWKSet(new URL(endpoints.jwks));
    for (const alg of ['RS256', 'ES256', 'EdDSA']) {
      const registered = await createClient(server, { first_party: true, id_token_signed_response_alg: alg });
      const { code, request } = await codeFor(server, registered);
      const tokens = await redeem(code, request, registered);
      assert.equal(tokens.status, 200, tokens.text);
      const { protectedHeader, payload } = await jose.jwtVerify(tokens.body.id_token as string, keys, { issuer: server.issuer, audience: registered.client_id, algorithms: [alg] });
      assert.equal(protectedHeader.alg, alg);
      assert.equal(payload.nonce, request.nonce);
    }
  });

  it('returns the code in an auto-submitted form for response_mode=form_post', async () => {
    const { page, request } = await signUpWith(web, { response_mode: 'form_post' });
    assert.equal(page.status, 200, `expected the form_post page, got ${page.status} ${page.location ?? ''}`);
    assert.match(page.body, new RegExp(`<form method="post" action="${REDIRECT_URI}">`));
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.body)?.[1];
    assert.equal(field('state'), request.state);
    assert.equal(field('iss'), server.issuer);
    // The page submits itself with an inline script the CSP allows by its hash.
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src [^;]*'sha256-/);
    const tokens = await redeem(field('code')!, request, web);
    assert.equal(tokens.status, 200, tokens.text);
  });

  it('returns the code in the fragment for response_mode=fragment', async () => {
    const { page, request } = await signUpWith(web, { response_mode: 'fragment' });
    const location = new URL(page.location ?? 'about:blank');
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
    assert.equal(location.search, '', 'nothing in the query');
    const params = new URLSearchParams(location.hash.slice(1));
    assert.equal(params.get('state'), request.state);
    assert.equal(params.get('iss'), server.issuer);
    const tokens = await redeem(params.get('code')!, request, web);
    assert.equal(tokens.status, 200, tokens.text);
  });

  it('gives a person the same subject at every client (public subject type)', async () => {
    const other = await createClient(server, { first_party: true });
    const { page, request, agent } = await signUpWith(web, {});
    const first = await client.authorizationCodeGrant(await relyingParty(server, web), callbackOf(page), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    const otherConfig = await relyingParty(server, other);
    const otherRequest = await authorizationRequest(otherConfig);
    const second = await client.authorizationCodeGrant(otherConfig, callbackOf(await followToClient(agent, otherRequest.url)), {
      pkceCodeVerifier: otherRequest.codeVerifier,
      expectedNonce: otherRequest.nonce,
      expectedState: otherRequest.state,
    });
    assert.equal(second.claims()!.sub, first.claims()!.sub);
  });

  it('ignores the claims parameter, which discovery says is not supported', async () => {
    // An essential acr through `claims` would demand MFA if it were honoured; acr_values does that.
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:portcullis:acr:mfa'] } } });
    const { page, request } = await signUpWith(web, { claims });
    const tokens = await client.authorizationCodeGrant(await relyingParty(server, web), callbackOf(page), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    assert.equal(tokens.claims()!.acr, 'urn:portcullis:acr:pwd');
  });
});

describe('features left off', () => {
  let server: TestServer;
  let web: RegisteredClient;
  before(async () => {
    ({ server, web } = await openOidcServer());
  });
  after(() => server.close());

  const authorize = async (params: Record<string, string>) => {
    const request = await authorizationRequest(await relyingParty(server, web), params);
    return send(request.url, {});
  };
  const errorOf = (response: { headers: Headers }) => {
    const location = new URL(response.headers.get('location') ?? 'about:blank');
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI, `expected an error redirect, got ${location.href}`);
    return location.searchParams.get('error');
  };

  it('refuses request objects and request_uri, which discovery does not offer', async () => {
    const unsigned = `${jose.base64url.encode('{"alg":"none"}')}.${jose.base64url.encode(JSON.stringify({ client_id: web.client_id }))}.`;
    assert.equal(errorOf(await authorize({ request: unsigned })), 'request_not_supported');
    // Only a pushed request's URN is taken (RFC 9126); a request object by reference is not.
    assert.equal(errorOf(await authorize({ request_uri: 'https://rp.example.test/request.jwt' })), 'request_uri_not_supported');
  });

  it('refuses a resource that is not registered with invalid_target (RFC 8707: test/protocol-resources.test.ts)', async () => {
    assert.equal(errorOf(await authorize({ resource: 'https://unregistered.example.test/' })), 'invalid_target');
  });
});
