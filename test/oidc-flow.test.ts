/**
 * The happy paths of OAuth 2.0 / OIDC, driven by a real relying party library (openid-client v6)
 * against a real server, with a scripted person (UserAgent) signing in and consenting:
 * authorization code + PKCE for confidential and public clients, RFC 9207 `iss`, remembered
 * consent, refresh-token rotation, introspection, revocation, client credentials and
 * RP-initiated logout. What must be refused lives in oidc-negative-*.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import {
  LOGOUT_REDIRECT_URI,
  allow,
  authorizationRequest,
  callbackOf,
  createClient,
  endpointsOf,
  followToClient,
  isConsentPage,
  postForm,
  register,
  relyingParty,
  signIn,
  signUpAndRedeem,
  uniqueEmail,
  type Endpoints,
} from './support/oidc-harness.js';

/** openid-client rejects OAuth error answers with a ResponseBodyError carrying `error`. */
const oauthError = (code: string) => (error: unknown) => {
  assert.equal((error as { error?: string }).error, code, `expected ${code}, got ${String(error)}`);
  return true;
};

describe('OIDC flows through openid-client', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  before(async () => {
    server = await startTestServer();
    endpoints = await endpointsOf(server);
  });
  after(() => server.close());

  describe('authorization code + PKCE, third-party confidential client', () => {
    it('shows the requested scopes for consent and issues a validated ID token with the profile claims', async () => {
      const registered = await createClient(server);
      const config = await relyingParty(server, registered);
      const request = await authorizationRequest(config, { scope: 'openid email profile' });
      const agent = new UserAgent();
      const email = uniqueEmail();

      const consent = await register(agent, await followToClient(agent, request.url), email, 'Ada Lovelace');
      assert.ok(isConsentPage(consent), `expected the consent page, got ${consent.status}`);
      const scopeNames = [...consent.body.matchAll(/class="scope-name">([^<]+)</g)].map((m) => m[1]);
      assert.deepEqual(scopeNames, ['openid', 'email', 'profile']);
      assert.match(consent.body, /Test App/);

      const callback = callbackOf(await allow(agent, consent));
      assert.equal(callback.searchParams.get('iss'), server.issuer, 'RFC 9207: iss in the authorization response');
      assert.equal(callback.searchParams.get('state'), request.state);

      // openid-client checks iss, state, the ID token signature, iss/aud/exp/nonce and the PKCE binding.
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: request.codeVerifier,
        expectedNonce: request.nonce,
        expectedState: request.state,
      });
      const user = await server.admin('GET', `/admin/users/${encodeURIComponent(email)}`);
      const claims = tokens.claims()!;
      assert.equal(claims.sub, user.body.id);
      assert.equal(claims.email, email);
      assert.equal(claims.email_verified, user.body.email_verified);
      assert.equal(typeof claims.email_verified, 'boolean');
      assert.equal(claims.name, 'Ada Lovelace');
      assert.equal(claims.aud, registered.client_id);
      assert.equal(tokens.refresh_token, undefined, 'no refresh token without offline_access');

      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      assert.deepEqual(
        { sub: userinfo.sub, email: userinfo.email, email_verified: userinfo.email_verified, name: userinfo.name },
        { sub: claims.sub, email, email_verified: claims.email_verified, name: 'Ada Lovelace' },
      );
    });

    it('answers Deny with access_denied, the state and the iss parameter', async () => {
      const registered = await createClient(server);
      const config = await relyingParty(server, registered);
      const request = await authorizationRequest(config);
      const agent = new UserAgent();
      const consent = await register(agent, await followToClient(agent, request.url), uniqueEmail());
      assert.ok(isConsentPage(consent));

      const denied = await agent.submit(consent, '/deny', {});
      assert.equal(denied.status, 303);
      const callback = callbackOf(await followToClient(agent, denied.location!));
      assert.equal(callback.searchParams.get('error'), 'access_denied');
      assert.equal(callback.searchParams.get('iss'), server.issuer, 'RFC 9207: iss on error responses too');
      assert.equal(callback.searchParams.get('state'), request.state);
      assert.equal(callback.searchParams.get('code'), null);
    });

    it('remembers consent for the same person and client in a new browser session', async () => {
      const registered = await createClient(server);
      const config = await relyingParty(server, registered);
      const email = uniqueEmail();
      const first = new UserAgent();
      const consent = await register(first, await followToClient(first, (await authorizationRequest(config)).url), email);
      assert.ok(isConsentPage(consent));
      callbackOf(await allow(first, consent));

      const second = new UserAgent();
      const request = await authorizationRequest(config);
      const login = await followToClient(second, request.url);
      assert.match(login.body, /\/login"/, 'a new browser session must sign in again');
      const afterSignIn = await signIn(second, login, email);
      assert.ok(!isConsentPage(afterSignIn), 'consent was asked again');
      const tokens = await client.authorizationCodeGrant(config, callbackOf(afterSignIn), {
        pkceCodeVerifier: request.codeVerifier,
        expectedNonce: request.nonce,
        expectedState: request.state,
      });
      assert.equal(tokens.claims()!.email, email);
    });
  });

  describe('prompt=consent (SECURITY.md A17)', () => {
    /** A third-party client the person has already allowed, in a browser still signed in. */
    const consentedOnce = async (scope: string, body: Record<string, unknown> = {}) => {
      const registered = await createClient(server, { scope: 'openid email profile offline_access', ...body });
      const config = await relyingParty(server, registered);
      const agent = new UserAgent();
      const email = uniqueEmail();
      const first = await authorizationRequest(config, { scope });
      let page = await register(agent, await followToClient(agent, first.url), email);
      if (isConsentPage(page)) page = await allow(agent, page);
      callbackOf(page);
      return { config, agent, email };
    };

    it('shows the consent page for a remembered consent when the client sends prompt=consent', async () => {
      const { config, agent } = await consentedOnce('openid email');
      const silent = await followToClient(agent, (await authorizationRequest(config, { scope: 'openid email' })).url);
      assert.ok(!isConsentPage(silent), 'the remembered consent covers a plain request');
      const asked = await followToClient(agent, (await authorizationRequest(config, { scope: 'openid email', prompt: 'consent' })).url);
      assert.ok(isConsentPage(asked), `expected the consent page, got ${asked.status} ${asked.location ?? ''}`);
      const withOffline = await followToClient(agent, (await authorizationRequest(config, { scope: 'openid email offline_access', prompt: 'consent' })).url);
      assert.ok(isConsentPage(withOffline), 'an explicit prompt=consent with offline_access asks too');
    });

    it('shows the consent page to a first-party client that sends prompt=consent', async () => {
      const { config, agent } = await consentedOnce('openid email', { first_party: true });
      const asked = await followToClient(agent, (await authorizationRequest(config, { scope: 'openid email', prompt: 'consent' })).url);
      assert.ok(isConsentPage(asked));
    });

    it('passes the consent that offline_access implies for remembered consents and first-party clients', async () => {
      for (const body of [{}, { first_party: true }]) {
        const { config, agent, email } = await consentedOnce('openid email offline_access', body);
        // Signed in already, and in a new browser through the sign-in page (the mark survives it).
        const fresh = new UserAgent();
        for (const [label, reach] of [
          ['signed-in', (url: string) => followToClient(agent, url)],
          ['new browser', async (url: string) => signIn(fresh, await followToClient(fresh, url), email)],
        ] as const) {
          const request = await authorizationRequest(config, { scope: 'openid email offline_access' });
          const page = await reach(request.url);
          assert.ok(!isConsentPage(page), `no page expected for ${JSON.stringify(body)}, ${label}`);
          const tokens = await client.authorizationCodeGrant(config, callbackOf(page), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
          assert.ok(tokens.refresh_token, 'offline_access still yields a refresh token');
        }
      }
    });

    it('cannot be passed off as implied by a client that sends the marker itself', async () => {
      const { config, agent } = await consentedOnce('openid email');
      const request = await authorizationRequest(config, { scope: 'openid email', prompt: 'consent', portcullis_implied_consent: 'true' });
      assert.ok(isConsentPage(await followToClient(agent, request.url)));
    });
  });

  describe('refresh tokens (offline_access)', () => {
    it('issues a refresh token and rotates it on every use', async () => {
      const registered = await createClient(server);
      const config = await relyingParty(server, registered);
      const { tokens } = await signUpAndRedeem(server, registered);
      const rt1 = tokens.refresh_token;
      assert.ok(rt1, 'offline_access must yield a refresh token');

      const refreshed = await client.refreshTokenGrant(config, rt1);
      assert.ok(refreshed.refresh_token);
      assert.notEqual(refreshed.refresh_token, rt1);
      assert.notEqual(refreshed.access_token, tokens.access_token);
      const again = await client.refreshTokenGrant(config, refreshed.refresh_token);
      assert.ok(again.refresh_token && again.refresh_token !== refreshed.refresh_token);
    });

    it('revokes the whole grant when a rotated refresh token is replayed', async () => {
      const registered = await createClient(server);
      const config = await relyingParty(server, registered);
      const { tokens } = await signUpAndRedeem(server, registered);
      const rt1 = tokens.refresh_token!;
      // Once the successor has been used, a repeat of rt1 is no lost answer being retried
      // (REFRESH_REUSE_WINDOW, oidc/refresh-replay.ts): it is reuse.
      const rt2 = (await client.refreshTokenGrant(config, rt1)).refresh_token!;
      const rotated = await client.refreshTokenGrant(config, rt2);
      const rt3 = rotated.refresh_token!;

      await assert.rejects(client.refreshTokenGrant(config, rt1), oauthError('invalid_grant'));
      await assert.rejects(client.refreshTokenGrant(config, rt3), oauthError('invalid_grant'));
      const introspection = await client.tokenIntrospection(config, rotated.access_token);
      assert.equal(introspection.active, false, 'the access token of the revoked grant is dead too');
    });
  });

  describe('introspection and revocation', () => {
    it('introspects a live access token as active with its client, subject and scope', async () => {
      const registered = await createClient(server);
      const config = await relyingParty(server, registered);
      const { tokens } = await signUpAndRedeem(server, registered, 'openid email');
      const introspection = await client.tokenIntrospection(config, tokens.access_token);
      assert.equal(introspection.active, true);
      assert.equal(introspection.client_id, registered.client_id);
      assert.equal(introspection.sub, tokens.claims()!.sub);
      assert.deepEqual(introspection.scope?.split(' ').sort(), ['email', 'openid']);
    });

    it('introspects a revoked access token as inactive, and userinfo refuses it', async () => {
      const registered = await createClient(server);
      const config = await relyingParty(server, registered);
      const { tokens } = await signUpAndRedeem(server, registered, 'openid email');
      await client.tokenRevocation(config, tokens.access_token);
      const introspection = await client.tokenIntrospection(config, tokens.access_token);
      assert.equal(introspection.active, false);
      const userinfo = await fetch(endpoints.userinfo, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(userinfo.status, 401);
    });
  });

  describe('client credentials', () => {
    it('issues an access token to a client registered only for client_credentials', async () => {
      const registered = await createClient(server, { grant_types: ['client_credentials'], redirect_uris: [], post_logout_redirect_uris: [] });
      const config = await relyingParty(server, registered);
      const tokens = await client.clientCredentialsGrant(config);
      assert.ok(tokens.access_token);
      assert.equal(tokens.refresh_token, undefined);
      assert.equal(tokens.id_token, undefined);
      const introspection = await client.tokenIntrospection(config, tokens.access_token);
      assert.equal(introspection.active, true);
      assert.equal(introspection.client_id, registered.client_id);
      assert.equal(introspection.sub, undefined, 'no end-user behind a client credentials token');
    });
  });

  describe('RP-initiated logout', () => {
    it('asks for confirmation, ends the session and returns to the registered post-logout URI', async () => {
      const registered = await createClient(server);
      const config = await relyingParty(server, registered);
      const { agent, tokens } = await signUpAndRedeem(server, registered, 'openid email');

      // The session is live: a silent authorization succeeds before logout.
      const silentBefore = await authorizationRequest(config, { prompt: 'none', scope: 'openid email' });
      assert.ok(callbackOf(await followToClient(agent, silentBefore.url)).searchParams.get('code'));

      const endSession = client.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: LOGOUT_REDIRECT_URI,
        state: 'bye',
      });
      const confirm = await agent.request(endSession.href);
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /<button[^>]*form="op\.logoutForm"[^>]*name="logout"[^>]*value="yes"[^>]*>Sign out<\/button>/);
      assert.match(confirm.body, /<button[^>]*form="op\.logoutForm"[^>]*>Cancel<\/button>/);
      const form = /<form id="op\.logoutForm" method="post" action="([^"]+)"><input type="hidden" name="xsrf" value="([^"]+)"\/>/.exec(confirm.body);
      assert.ok(form, 'the provider logout form with its xsrf field');

      const submitted = await agent.request(new URL(form[1]!.replaceAll('&amp;', '&'), confirm.url).href, { form: { xsrf: form[2]!, logout: 'yes' } });
      assert.ok(submitted.status === 302 || submitted.status === 303, `expected a redirect, got ${submitted.status}`);
      const back = new URL(submitted.location!);
      assert.equal(`${back.origin}${back.pathname}`, LOGOUT_REDIRECT_URI);
      assert.equal(back.searchParams.get('state'), 'bye');

      const silentAfter = await authorizationRequest(config, { prompt: 'none', scope: 'openid email' });
      const callback = callbackOf(await followToClient(agent, silentAfter.url));
      assert.equal(callback.searchParams.get('error'), 'login_required');
      assert.equal(callback.searchParams.get('iss'), server.issuer);
    });
  });

  describe('public client (browser app)', () => {
    it('completes the code flow with PKCE and no client secret', async () => {
      const registered = await createClient(server, { public: true });
      assert.equal(registered.token_endpoint_auth_method, 'none');
      assert.equal(registered.client_secret, undefined);
      const config = await relyingParty(server, registered);
      const { tokens, email } = await signUpAndRedeem(server, registered);
      assert.equal(tokens.claims()!.email, email);
      assert.ok(tokens.refresh_token);
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      assert.equal(userinfo.email, email);

      // A public client rotates too: without a secret, rotation is what exposes a stolen token
      // (once the client has used the successor, the old token is no retry: REFRESH_REUSE_WINDOW).
      const rotated = await client.refreshTokenGrant(config, tokens.refresh_token);
      assert.notEqual(rotated.refresh_token, tokens.refresh_token);
      await client.refreshTokenGrant(config, rotated.refresh_token!);
      const stolenRefresh = await postForm(endpoints.token, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, registered);
      assert.equal(stolenRefresh.status, 400);
      assert.equal(stolenRefresh.body.error, 'invalid_grant');
    });
  });
});
