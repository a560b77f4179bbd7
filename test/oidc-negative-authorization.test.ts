/**
 * What the authorization endpoint refuses, and who may read answers across origins:
 * PKCE S256 is required (SECURITY.md R4), only `response_type=code` exists (R6), and CORS is
 * granted only to a public client's own origins, never on the authorization endpoint (R13).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer } from './support/test-server.js';
import {
  REDIRECT_URI,
  codeFor,
  createClient,
  postForm,
  send,
  signUpAndRedeem,
  type Endpoints,
  type RegisteredClient,
  openOidcServer,
} from './support/oidc-harness.js';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const SPA_ORIGIN = 'https://spa.example.test';
const SPA_REDIRECT_URI = `${SPA_ORIGIN}/callback`;

/** The parameters of a redirect back to the client, from its query and its fragment. */
function responseParams(location: string | null): URLSearchParams {
  const url = new URL(location ?? 'about:blank');
  assert.equal(`${url.origin}${url.pathname}`, REDIRECT_URI, `expected a redirect to the client, got ${location}`);
  return new URLSearchParams([...url.searchParams, ...new URLSearchParams(url.hash.slice(1))]);
}

describe('authorization endpoint rules', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let registered: RegisteredClient;
  before(async () => {
    ({ server, endpoints, web: registered } = await openOidcServer());
  });
  after(() => server.close());

  const authorize = (params: Record<string, string>, headers: Record<string, string> = {}) => {
    const query = new URLSearchParams({
      client_id: registered.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      state: 'state-1',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      ...params,
    });
    for (const [key, value] of [...query]) if (value === '') query.delete(key);
    return send(`${endpoints.authorization}?${query}`, { headers });
  };

  /** Asserts an OAuth error redirect to the registered URI: the error, the state, iss, and no code. */
  function assertErrorRedirect(response: { status: number; headers: Headers }, error: string) {
    assert.equal(response.status, 303);
    const params = responseParams(response.headers.get('location'));
    assert.equal(params.get('error'), error, `error_description: ${params.get('error_description')}`);
    assert.equal(params.get('iss'), server.issuer, 'RFC 9207: iss on error responses');
    assert.equal(params.get('state'), 'state-1');
    for (const issued of ['code', 'access_token', 'id_token', 'refresh_token']) assert.equal(params.get(issued), null, `${issued} was issued`);
  }

  describe('PKCE (R4)', () => {
    it('starts the sign-in for a request with an S256 challenge (the control case)', async () => {
      const response = await authorize({});
      assert.equal(response.status, 303);
      assert.match(response.headers.get('location') ?? '', /^\/interaction\//);
    });

    it('rejects a request without code_challenge', async () => {
      assertErrorRedirect(await authorize({ code_challenge: '', code_challenge_method: '' }), 'invalid_request');
    });

    it('rejects code_challenge_method=plain', async () => {
      assertErrorRedirect(await authorize({ code_challenge_method: 'plain' }), 'invalid_request');
    });

    it('rejects a challenge without code_challenge_method instead of assuming plain', async () => {
      assertErrorRedirect(await authorize({ code_challenge_method: '' }), 'invalid_request');
    });

    it('rejects a challenge that cannot be an S256 hash', async () => {
      assertErrorRedirect(await authorize({ code_challenge: 'short' }), 'invalid_request');
    });

    it('rejects a request without code_challenge from a public client too', async () => {
      const spa = await createClient(server, { public: true, first_party: true });
      const response = await authorize({ client_id: spa.client_id, code_challenge: '', code_challenge_method: '' });
      assertErrorRedirect(response, 'invalid_request');
    });
  });

  describe('response types (R6)', () => {
    for (const responseType of ['token', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token', 'none']) {
      it(`refuses response_type=${responseType} with unsupported_response_type and issues nothing`, async () => {
        assertErrorRedirect(await authorize({ response_type: responseType, nonce: 'n-1' }), 'unsupported_response_type');
      });
    }

    it('refuses a request without response_type', async () => {
      const response = await authorize({ response_type: '' });
      assert.equal(response.status, 303);
      const params = responseParams(response.headers.get('location'));
      assert.equal(params.get('error'), 'invalid_request');
      assert.equal(params.get('code'), null);
    });
  });

  describe('CORS (R13)', () => {
    let spa: RegisteredClient;
    before(async () => {
      spa = await createClient(server, { public: true, redirect_uris: [SPA_REDIRECT_URI] });
    });

    const redeem = async (client: RegisteredClient, origin: string) => {
      const { code, request } = await codeFor(server, client);
      const form = { grant_type: 'authorization_code', code, redirect_uri: request.redirectUri, code_verifier: request.codeVerifier };
      return postForm(endpoints.token, form, client, { origin });
    };

    it('sends no Access-Control-Allow-Origin from the authorization endpoint, even to a registered origin', async () => {
      const response = await authorize({ client_id: spa.client_id, redirect_uri: SPA_REDIRECT_URI }, { origin: SPA_ORIGIN });
      assert.equal(response.status, 303, 'the request itself is valid');
      assert.equal(response.headers.get('access-control-allow-origin'), null);
      const preflight = await send(`${endpoints.authorization}?client_id=${spa.client_id}`, {
        method: 'OPTIONS',
        headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'GET' },
      });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    });

    it("allows a public client's own redirect-URI origin on its token request", async () => {
      const response = await redeem(spa, SPA_ORIGIN);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers.get('access-control-allow-origin'), SPA_ORIGIN);
    });

    it("refuses a foreign origin on a public client's token request", async () => {
      const response = await redeem(spa, 'https://evil.test');
      assert.equal(response.headers.get('access-control-allow-origin'), null);
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'invalid_request');
    });

    it("gives no CORS to a confidential client, even from its redirect-URI origin", async () => {
      const web = await createClient(server, { redirect_uris: ['https://web.example.test/callback'] });
      const response = await redeem(web, 'https://web.example.test');
      assert.equal(response.headers.get('access-control-allow-origin'), null);
      assert.notEqual(response.status, 200, 'a browser-side request with a client secret is refused');
    });

    it("allows userinfo only from the token's client's origin", async () => {
      const { tokens } = await signUpAndRedeem(server, spa, 'openid email');
      const userinfo = (origin: string) => send(endpoints.userinfo, { headers: { authorization: `Bearer ${tokens.access_token}`, origin } });
      const own = await userinfo(SPA_ORIGIN);
      assert.equal(own.status, 200);
      assert.equal(own.headers.get('access-control-allow-origin'), SPA_ORIGIN);
      const foreign = await userinfo('https://evil.test');
      assert.equal(foreign.headers.get('access-control-allow-origin'), null);
      assert.notEqual(foreign.status, 200);
    });
  });
});
