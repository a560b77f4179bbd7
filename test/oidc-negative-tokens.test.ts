/**
 * What the token endpoint refuses (SECURITY.md R4, R5, R7, R8, R16; RFC 9700 §2.1.1, §4.2.4,
 * §4.14): PKCE verifiers, single-use codes bound to client and redirect URI (also under
 * concurrency), rotating refresh tokens bound to their client and scope, client authentication,
 * who may introspect a token (RFC 7662 §4), and tokens of disabled users.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer } from './support/test-server.js';
import {
  REDIRECT_URI,
  MACHINE_CLIENT,
  codeFor,
  createClient,
  introspect,
  postForm,
  send,
  signUpAndRedeem,
  type AuthorizationRequest,
  type Endpoints,
  type RawResponse,
  type RegisteredClient,
  openOidcServer,
} from './support/oidc-harness.js';

function assertOAuthError(response: RawResponse, status: number, error: string) {
  assert.equal(response.status, status, response.text);
  assert.equal(response.body?.error, error, response.text);
  assert.equal(response.body?.access_token, undefined);
}

describe('token endpoint rules', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let web: RegisteredClient;
  before(async () => {
    ({ server, endpoints, web } = await openOidcServer());
  });
  after(() => server.close());

  const redeem = (code: string, request: AuthorizationRequest, as: RegisteredClient = web, overrides: Record<string, string> = {}) =>
    postForm(endpoints.token, { grant_type: 'authorization_code', code, redirect_uri: request.redirectUri, code_verifier: request.codeVerifier, ...overrides }, as);
  const refresh = (refreshToken: string, as: RegisteredClient = web, extra: Record<string, string> = {}) =>
    postForm(endpoints.token, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, as);

  describe('PKCE verifier (R4)', () => {
    it('redeems a code with its verifier (the control case)', async () => {
      const { code, request } = await codeFor(server, web);
      const response = await redeem(code, request);
      assert.equal(response.status, 200, response.text);
      assert.ok(response.body.access_token);
    });

    it('rejects a wrong code_verifier', async () => {
      const { code, request } = await codeFor(server, web);
      // Another last character, whatever the random verifier ended with (an 'A' used to be kept
      // one time in 64, which made this test pass the right verifier).
      const last = request.codeVerifier.endsWith('A') ? 'B' : 'A';
      assertOAuthError(await redeem(code, request, web, { code_verifier: `${request.codeVerifier.slice(0, -1)}${last}` }), 400, 'invalid_grant');
    });

    it('rejects a missing code_verifier', async () => {
      const { code, request } = await codeFor(server, web);
      const response = await postForm(endpoints.token, { grant_type: 'authorization_code', code, redirect_uri: request.redirectUri }, web);
      assertOAuthError(response, 400, 'invalid_grant');
    });

    it('rejects the challenge itself as the verifier (no plain downgrade)', async () => {
      const { code, request } = await codeFor(server, web);
      const challenge = new URL(request.url).searchParams.get('code_challenge')!;
      assertOAuthError(await redeem(code, request, web, { code_verifier: challenge }), 400, 'invalid_grant');
    });
  });

  describe('authorization codes (R5)', () => {
    it('rejects a reused authorization code and revokes the tokens issued from it', async () => {
      const { code, request } = await codeFor(server, web, { scope: 'openid offline_access' });
      const first = await redeem(code, request);
      assert.equal(first.status, 200, first.text);
      assert.ok(first.body.refresh_token);
      assert.equal((await introspect(endpoints, first.body.access_token, web)).active, true);

      assertOAuthError(await redeem(code, request), 400, 'invalid_grant');
      assert.equal((await introspect(endpoints, first.body.access_token, web)).active, false, 'access token from the reused code still active');
      assertOAuthError(await refresh(first.body.refresh_token), 400, 'invalid_grant');
    });

    it('lets exactly one of 50 parallel redemptions of a code succeed', async () => {
      const { code, request } = await codeFor(server, web);
      const responses = await Promise.all(Array.from({ length: 50 }, () => redeem(code, request)));
      const statuses = responses.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length, 1, `statuses: ${statuses.join(' ')}`);
      for (const response of responses.filter((r) => r.status !== 200)) assertOAuthError(response, 400, 'invalid_grant');
    });

    // Requests from this process share its event loop with the server and tend to arrive one by
    // one; racing the store directly is what proves the consume is atomic (the adapter's job).
    it('lets exactly one of 50 concurrent consumes of a code win in the store', async () => {
      const { code } = await codeFor(server, web);
      const stored = await server.app.holder.current().AuthorizationCode.find(code);
      assert.ok(stored, 'the code is stored');
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => stored.consume()));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    });

    it("rejects a code redeemed by another client with that client's valid credentials", async () => {
      const other = await createClient(server, { first_party: true });
      const { code, request } = await codeFor(server, web);
      assertOAuthError(await redeem(code, request, other), 400, 'invalid_grant');
    });

    it('rejects a redirect_uri that differs from the one in the authorization request', async () => {
      const second = 'https://app.example.test/other-callback';
      const twoUris = await createClient(server, { first_party: true, redirect_uris: [REDIRECT_URI, second] });
      const { code, request } = await codeFor(server, twoUris);
      assertOAuthError(await redeem(code, request, twoUris, { redirect_uri: second }), 400, 'invalid_grant');
      assertOAuthError(await redeem(code, request, twoUris, { redirect_uri: `${REDIRECT_URI}/` }), 400, 'invalid_grant');
    });
  });

  describe('refresh tokens (R7)', () => {
    it('ends 50 parallel refreshes of a refresh token with exactly one successor', async () => {
      const { tokens } = await signUpAndRedeem(server, web);
      const responses = await Promise.all(Array.from({ length: 50 }, () => refresh(tokens.refresh_token!)));
      // The refresh reuse window (oidc/refresh-replay.ts) serialises them: the first rotates, the
      // others get its answer; never two successors, and never a revoked grant.
      const successors = new Set(responses.filter((r) => r.status === 200).map((r) => (r.body as { refresh_token: string }).refresh_token));
      assert.equal(successors.size, 1, `statuses: ${responses.map((r) => r.status).join(' ')}`);
      for (const response of responses.filter((r) => r.status !== 200)) assertOAuthError(response, 400, 'invalid_grant');
      assert.equal((await refresh([...successors][0]!)).status, 200, 'the successor works');
    });

    it('lets exactly one of 50 concurrent consumes of a refresh token win in the store', async () => {
      const { tokens } = await signUpAndRedeem(server, web);
      const stored = await server.app.holder.current().RefreshToken.find(tokens.refresh_token!);
      assert.ok(stored, 'the refresh token is stored');
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => stored.consume()));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      // The losers are replays: the whole grant is revoked, the winner's tokens included.
      assert.equal((await introspect(endpoints, tokens.access_token, web)).active, false);
    });

    it('rejects a refresh token presented by another client', async () => {
      const other = await createClient(server, { first_party: true });
      const { tokens } = await signUpAndRedeem(server, web);
      assertOAuthError(await refresh(tokens.refresh_token!, other), 400, 'invalid_grant');
      assert.equal((await refresh(tokens.refresh_token!)).status, 200, 'the rightful client can still use it');
    });

    it('never grows the scope on refresh', async () => {
      const { tokens } = await signUpAndRedeem(server, web, 'openid email offline_access');
      assertOAuthError(await refresh(tokens.refresh_token!, web, { scope: 'openid email profile offline_access' }), 400, 'invalid_scope');
      const narrower = await refresh(tokens.refresh_token!, web, { scope: 'openid' });
      assert.equal(narrower.status, 200, narrower.text);
      assert.equal(narrower.body.scope, 'openid');
    });
  });

  describe('client authentication and grant types (R6, R8)', () => {
    it('rejects a wrong client secret with 401 invalid_client', async () => {
      const { code, request } = await codeFor(server, web);
      assertOAuthError(await redeem(code, request, { ...web, client_secret: `${web.client_secret!}x` }), 401, 'invalid_client');
      assert.equal((await redeem(code, request)).status, 200, 'the failed attempt did not burn the code');
    });

    it('rejects a confidential client that sends no secret', async () => {
      const { code, request } = await codeFor(server, web);
      const response = await postForm(endpoints.token, {
        grant_type: 'authorization_code',
        client_id: web.client_id,
        code,
        redirect_uri: request.redirectUri,
        code_verifier: request.codeVerifier,
      });
      assertOAuthError(response, 401, 'invalid_client');
    });

    it('refuses the resource owner password grant', async () => {
      const response = await postForm(endpoints.token, { grant_type: 'password', username: 'someone@example.test', password: 'whatever it is' }, web);
      assertOAuthError(response, 400, 'unsupported_grant_type');
    });

    it('refuses a grant type the client is not registered for', async () => {
      const response = await postForm(endpoints.token, { grant_type: 'client_credentials' }, web);
      // RFC 6749 §5.2 names this unauthorized_client; node-oidc-provider answers invalid_request.
      // Either refuses; the provider's own error codes are left alone (STYLE.md "Errors").
      assert.equal(response.status, 400, response.text);
      assert.ok(['unauthorized_client', 'invalid_request'].includes(response.body?.error), response.text);
      assert.equal(response.body?.access_token, undefined);
    });
  });

  describe('who may introspect (RFC 7662 §4)', () => {
    it("answers active:false to a third confidential client asking about another client's tokens, refresh tokens included", async () => {
      const { tokens } = await signUpAndRedeem(server, web);
      const third = await createClient(server, { first_party: true });
      for (const token of [tokens.access_token, tokens.refresh_token!]) {
        const answer = await postForm(endpoints.introspection, { token }, third);
        assert.equal(answer.status, 200, answer.text);
        assert.deepEqual(answer.body, { active: false });
        assert.equal((await introspect(endpoints, token, web)).active, true, 'the token is live for its own client');
      }
    });

    it("lets a client registered as a resource server introspect other clients' access tokens, never their refresh tokens", async () => {
      const { tokens } = await signUpAndRedeem(server, web);
      const api = await createClient(server, { ...MACHINE_CLIENT, client_name: 'Resource server', resource_server: true });
      assert.equal((await server.admin('GET', `/admin/clients/${api.client_id}`)).body.resource_server, true);
      const access = await introspect(endpoints, tokens.access_token, api);
      assert.equal(access.active, true);
      assert.equal(access.client_id, web.client_id);
      assert.deepEqual(await introspect(endpoints, tokens.refresh_token!, api), { active: false });
    });

    it('refuses to register a public client as a resource server', async () => {
      const response = await server.admin('POST', '/admin/clients', { client_name: 'SPA', public: true, redirect_uris: [REDIRECT_URI], resource_server: true });
      assert.equal(response.status, 400);
      assert.match(response.body.message, /public client cannot be a resource server/);
    });
  });

  describe('disabled users (R16)', () => {
    it("refuses a disabled user's refresh token and access token", async () => {
      const { tokens, email } = await signUpAndRedeem(server, web);
      const userinfo = () => send(endpoints.userinfo, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal((await userinfo()).status, 200, 'userinfo works before disabling');

      const disabled = await server.admin('POST', `/admin/users/${encodeURIComponent(email)}/disable`);
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.disabled, true);

      assertOAuthError(await refresh(tokens.refresh_token!), 400, 'invalid_grant');
      const afterDisable = await userinfo();
      assert.equal(afterDisable.status, 401);
      assert.equal(afterDisable.body?.error, 'invalid_token');
      assert.equal(afterDisable.body?.email, undefined);
    });
  });
});
