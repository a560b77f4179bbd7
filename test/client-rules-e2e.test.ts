/**
 * Client rules against a real server, through the admin API and the provider's endpoints:
 * API scopes (registered, served, and refused with invalid_scope when the client is not
 * registered with them), redirect URIs (no wildcards; native apps' private-use schemes for
 * public clients, working in an authorization request), switching a client between public and
 * confidential, and the server's built-in clients being read-only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import {
  authorizationRequest,
  createClient,
  endpointsOf,
  followToClient,
  introspect,
  MACHINE_CLIENT,
  postForm,
  register,
  relyingParty,
  signUpAndRedeem,
  uniqueEmail,
  type Endpoints,
  type RegisteredClient,
} from './support/oidc-harness.js';

describe('client rules end to end', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let resourceServer: RegisteredClient;
  before(async () => {
    server = await startTestServer();
    endpoints = await endpointsOf(server);
    resourceServer = await createClient(server, { ...MACHINE_CLIENT, resource_server: true });
  });
  after(() => server.close());

  const clientCredentials = (as: RegisteredClient, scope?: string) =>
    postForm(endpoints.token, { grant_type: 'client_credentials', ...(scope !== undefined && { scope }) }, as);

  describe('API scopes', () => {
    it('registers a client with an API scope and issues a token carrying it', async () => {
      const machine = await createClient(server, { ...MACHINE_CLIENT, scope: 'read:invoices write:invoices' });
      const token = await clientCredentials(machine, 'read:invoices');
      assert.equal(token.status, 200, token.text);
      assert.equal(token.body.scope, 'read:invoices');
      const info = await introspect(endpoints, token.body.access_token, resourceServer);
      assert.equal(info.active, true);
      assert.equal(info.scope, 'read:invoices');
    });

    it('refuses with invalid_scope a scope no client has, or one another client has, and issues nothing', async () => {
      await createClient(server, { ...MACHINE_CLIENT, scope: 'admin:everything' });
      const machine = await createClient(server, { ...MACHINE_CLIENT, scope: 'read:reports' });
      for (const scope of ['read:unknown', 'admin:everything', 'read:reports read:unknown', 'openid']) {
        const refused = await clientCredentials(machine, scope);
        assert.equal(refused.status, 400, `${scope}: ${refused.text}`);
        assert.equal(refused.body.error, 'invalid_scope', scope);
        assert.equal(refused.body.access_token, undefined);
      }
    });

    it('refuses an unregistered scope at the authorization endpoint, back to the client', async () => {
      const web = await createClient(server, { scope: 'openid read:invoices' });
      const config = await relyingParty(server, web);
      for (const scope of ['openid read:unknown', 'openid email']) {
        const request = await authorizationRequest(config, { scope });
        const answer = await fetch(request.url, { redirect: 'manual' });
        assert.equal(answer.status, 303, scope);
        const location = new URL(answer.headers.get('location')!);
        assert.equal(`${location.origin}${location.pathname}`, web.redirect_uris[0]);
        assert.equal(location.searchParams.get('error'), 'invalid_scope', scope);
      }
    });

    it('grants an API scope through sign-in and consent, into the access token', async () => {
      const web = await createClient(server, { scope: 'openid read:invoices' });
      const config = await relyingParty(server, web);
      const request = await authorizationRequest(config, { scope: 'openid read:invoices' });
      const agent = new UserAgent();
      const consent = await register(agent, await followToClient(agent, request.url), uniqueEmail('api-scope'));
      assert.match(consent.body, /read:invoices/, 'the consent page names the API scope');
      const answered = await agent.submit(consent, '/consent', {});
      const callback = new URL((await followToClient(agent, answered.location!)).location!);
      const token = await postForm(endpoints.token, {
        grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: request.redirectUri, code_verifier: request.codeVerifier,
      }, web);
      assert.equal(token.status, 200, token.text);
      assert.deepEqual(String(token.body.scope).split(' ').sort(), ['openid', 'read:invoices']);
    });

    it('narrowing a client\'s scope ends its grants: the refresh token fails and the access token is inactive', async () => {
      const web = await createClient(server, { grant_types: ['authorization_code', 'refresh_token'], scope: 'openid offline_access read:invoices' });
      const widened = await signUpAndRedeem(server, web, 'openid offline_access read:invoices');
      // Widening takes nothing away: the grant and its tokens live on.
      const wider = await server.admin('PATCH', `/admin/clients/${web.client_id}`, { scope: 'openid offline_access read:invoices read:reports' });
      assert.equal(wider.status, 200, JSON.stringify(wider.body));
      const stillFine = await postForm(endpoints.token, { grant_type: 'refresh_token', refresh_token: widened.tokens.refresh_token! }, web);
      assert.equal(stillFine.status, 200, stillFine.text);

      const { tokens } = await signUpAndRedeem(server, web, 'openid offline_access read:invoices');
      assert.equal((await introspect(endpoints, tokens.access_token, resourceServer)).active, true);
      const narrowed = await server.admin('PATCH', `/admin/clients/${web.client_id}`, { scope: 'openid offline_access' });
      assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
      const refreshed = await postForm(endpoints.token, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, web);
      assert.equal(refreshed.status, 400, refreshed.text);
      assert.equal(refreshed.body.error, 'invalid_grant');
      assert.equal((await introspect(endpoints, tokens.access_token, resourceServer)).active, false);
      const events = (await server.admin('GET', '/admin/audit?limit=20')).body as { events: { type: string; client_id: string | null; detail: Record<string, unknown> }[] };
      const update = events.events.find((event) => event.type === 'client.updated' && event.client_id === web.client_id);
      assert.equal(update?.detail.grants_revoked, 2, `the audit event counts the revoked grants: ${JSON.stringify(update)}`);
    });

    it('refuses a scope that is not a scope-token, and keeps discovery to the OpenID Connect scopes', async () => {
      for (const scope of ['read "all"', 'a\\b', 'é', '']) {
        const refused = await server.admin('POST', '/admin/clients', { client_name: 'Bad', ...MACHINE_CLIENT, scope });
        assert.equal(refused.status, 400, JSON.stringify(scope));
      }
      const discovery = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[] };
      assert.deepEqual(discovery.scopes_supported, ['openid', 'profile', 'email', 'offline_access']);
    });
  });

  describe('redirect URIs', () => {
    it('refuses a wildcard with a message saying why', async () => {
      for (const uri of ['https://*.example.com/cb', 'https://app.example.com/cb/*']) {
        const refused = await server.admin('POST', '/admin/clients', { client_name: 'Wild', redirect_uris: [uri] });
        assert.equal(refused.status, 400, uri);
        assert.match(refused.body.message, /wildcards are not supported/, uri);
      }
    });

    it('accepts a private-use scheme for a public client only, and it works in an authorization request', async () => {
      const uri = 'com.example.app:/oauth2/callback';
      const confidential = await server.admin('POST', '/admin/clients', { client_name: 'Native', redirect_uris: [uri] });
      assert.equal(confidential.status, 400);
      assert.match(confidential.body.message, /only for public clients/);
      for (const bad of ['myapp:/cb', 'com.example.app://host/cb']) {
        const refused = await server.admin('POST', '/admin/clients', { client_name: 'Native', public: true, redirect_uris: [bad] });
        assert.equal(refused.status, 400, bad);
      }

      const native = await createClient(server, { public: true, redirect_uris: [uri, 'http://127.0.0.1/cb'], post_logout_redirect_uris: [] });
      const config = await relyingParty(server, native);
      const request = await authorizationRequest(config, { redirect_uri: uri });
      const agent = new UserAgent();
      const back = await register(agent, await followToClient(agent, request.url), uniqueEmail('native'));
      const consented = back.body.includes('/consent"') ? await followToClient(agent, (await agent.submit(back, '/consent', {})).location!) : back;
      assert.ok(consented.location?.startsWith(`${uri}?`), `expected a redirect to ${uri}, got ${consented.status} ${consented.location}`);
      const code = new URL(consented.location!).searchParams.get('code')!;
      const token = await postForm(endpoints.token, { grant_type: 'authorization_code', code, redirect_uri: uri, code_verifier: request.codeVerifier }, native);
      assert.equal(token.status, 200, token.text);

      // RFC 8252 §7.3: a native app's loopback redirect may use any port.
      const loopback = await authorizationRequest(config, { redirect_uri: 'http://127.0.0.1:51234/cb' });
      assert.equal((await fetch(loopback.url, { redirect: 'manual' })).status, 303);
    });
  });

  describe('native apps', () => {
    it('are never first-party (RFC 8252 §8.6): refused on create and on update, and the client stays as it was', async () => {
      const body = { client_name: 'Phone', public: true, redirect_uris: ['com.example.phone:/cb'], post_logout_redirect_uris: [] };
      const refused = await server.admin('POST', '/admin/clients', { ...body, first_party: true });
      assert.equal(refused.status, 400);
      assert.match(refused.body.message, /cannot be first-party/);
      const native = await createClient(server, body);
      const update = await server.admin('PATCH', `/admin/clients/${native.client_id}`, { first_party: true });
      assert.equal(update.status, 400);
      assert.match(update.body.message, /cannot be first-party/);
      assert.equal((await server.admin('GET', `/admin/clients/${native.client_id}`)).body.first_party, false);
    });
  });

  describe('public and confidential', () => {
    it('switches a confidential client to public (its secret stops working) and back (a new secret, shown once)', async () => {
      const machine = await createClient(server, { scope: 'openid' });
      const secret = machine.client_secret!;
      const toPublic = await server.admin('PATCH', `/admin/clients/${machine.client_id}`, { public: true });
      assert.equal(toPublic.status, 200, JSON.stringify(toPublic.body));
      assert.equal(toPublic.body.token_endpoint_auth_method, 'none');
      assert.equal(toPublic.body.client_secret, undefined);
      const withOldSecret = await postForm(endpoints.introspection, { token: 'x' }, { ...machine, client_secret: secret });
      assert.equal(withOldSecret.status, 401, 'the old secret no longer authenticates');

      const toConfidential = await server.admin('PATCH', `/admin/clients/${machine.client_id}`, { public: false });
      assert.equal(toConfidential.status, 200, JSON.stringify(toConfidential.body));
      assert.equal(toConfidential.body.token_endpoint_auth_method, 'client_secret_basic');
      const fresh = toConfidential.body.client_secret as string;
      assert.ok(fresh.length >= 32 && fresh !== secret);
      assert.equal((await postForm(endpoints.introspection, { token: 'x' }, { ...machine, client_secret: fresh })).status, 200);
      assert.equal((await server.admin('GET', `/admin/clients/${machine.client_id}`)).body.client_secret, undefined);
    });

    it('refuses to make public a client that uses client_credentials', async () => {
      const machine = await createClient(server, MACHINE_CLIENT);
      const refused = await server.admin('PATCH', `/admin/clients/${machine.client_id}`, { public: true });
      assert.equal(refused.status, 400);
      assert.match(refused.body.message, /client_credentials/);
    });
  });

  describe('built-in clients', () => {
    for (const id of ['portcullis-account', 'portcullis-demo']) {
      it(`keeps ${id} read-only: update, rotate-secret and delete answer 409 client.builtin`, async () => {
        const before = (await server.admin('GET', `/admin/clients/${id}`)).body;
        assert.equal(before.built_in, true);
        const answers = [
          await server.admin('PATCH', `/admin/clients/${id}`, { client_name: 'Renamed' }),
          await server.admin('POST', `/admin/clients/${id}/rotate-secret`),
          await server.admin('DELETE', `/admin/clients/${id}`),
        ];
        for (const answer of answers) {
          assert.equal(answer.status, 409, JSON.stringify(answer.body));
          assert.equal(answer.body.error, 'client.builtin');
        }
        assert.deepEqual((await server.admin('GET', `/admin/clients/${id}`)).body, before);
        const listed = (await server.admin('GET', '/admin/clients')).body.clients as { client_id: string; built_in: boolean }[];
        assert.equal(listed.find((c) => c.client_id === id)?.built_in, true);
        assert.ok(listed.filter((c) => !c.client_id.startsWith('portcullis-')).every((c) => !c.built_in));
      });
    }
  });
});
