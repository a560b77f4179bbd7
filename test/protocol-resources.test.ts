/**
 * APIs as resources (RFC 8707 resource indicators, RFC 9068 JWT access tokens), end to end with
 * openid-client and jose against a real embedded server: resources registered through the admin
 * API, a person's code + PKCE flow naming one, tokens verified offline from the JWKS the way an
 * API would, refresh downscoping, client_credentials, the opaque format through introspection,
 * and the refusals (unknown resource, scope the resource does not define, wrong audience).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import {
  allow,
  authorizationRequest,
  callbackOf,
  createClient,
  endpointsOf,
  followToClient,
  introspect,
  isConsentPage,
  MACHINE_CLIENT,
  postForm,
  register,
  relyingParty,
  uniqueEmail,
  type Endpoints,
  type RegisteredClient,
} from './support/oidc-harness.js';

const ITEMS = 'https://api.items.example.test';
const LEDGER = 'https://ledger.example.test/v1';
const MIRROR = 'https://mirror.example.test';
const UNKNOWN = 'https://unknown.example.test';

/**
 * An API's own check of a bearer token (RFC 9068 §4): signature from the JWKS, `typ`, issuer,
 * its own audience, expiry. Throws when any fails.
 */
async function resourceServerCheck(endpoints: Endpoints, issuer: string, audience: string, token: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(endpoints.jwks));
  const { payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt', requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'] });
  return payload;
}

describe('resources: RFC 8707 resource indicators and RFC 9068 JWT access tokens', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let web: RegisteredClient;
  let machine: RegisteredClient;
  let introspector: RegisteredClient;

  before(async () => {
    server = await startTestServer();
    endpoints = await endpointsOf(server);
    const created = await server.admin('POST', '/admin/resources', { identifier: ITEMS, name: 'Items API', scopes: ['read:items', 'write:items'], access_token_ttl: 600 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await server.admin('POST', '/admin/resources', { identifier: LEDGER, name: 'Ledger', scopes: 'read:ledger', access_token_format: 'opaque' })).status, 201);
    assert.equal((await server.admin('POST', '/admin/resources', { identifier: MIRROR, name: 'Mirror', scopes: ['read:items'] })).status, 201);
    // A third-party web app: the consent page is shown.
    web = await createClient(server, { scope: 'openid email profile offline_access read:items write:items read:ledger' });
    machine = await createClient(server, { ...MACHINE_CLIENT, scope: 'read:items write:items read:ledger' });
    introspector = await createClient(server, { ...MACHINE_CLIENT, resource_server: true });
  });
  after(() => server.close());

  it('issues a JWT access token for the named resource through code + PKCE, verifiable offline, and downscopes on refresh', async () => {
    const config = await relyingParty(server, web);
    const request = await authorizationRequest(config, { scope: 'openid offline_access read:items write:items', resource: ITEMS });
    const agent = new UserAgent();
    const consent = await register(agent, await followToClient(agent, request.url), uniqueEmail('rs'));
    assert.ok(isConsentPage(consent), `expected the consent page, got ${consent.status}`);
    // The resource by its name, with its scopes.
    assert.match(consent.body, /class="resource-name">Items API</);
    assert.match(consent.body, new RegExp(`class="resource-identifier">${ITEMS}<`));
    assert.match(consent.body, /<code class="scope-name">write:items<\/code>/);
    const callback = callbackOf(await allow(agent, consent));

    // RFC 8707 §2.2: the token request names the resource again.
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state }, { resource: ITEMS });
    assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt');
    const claims = await resourceServerCheck(endpoints, server.issuer, ITEMS, tokens.access_token);
    assert.equal(claims.aud, ITEMS);
    assert.equal(claims.scope, 'read:items write:items');
    assert.equal(claims.client_id, web.client_id);
    assert.equal(claims.sub, tokens.claims()!.sub);
    assert.equal(claims.exp! - claims.iat!, 600, 'the resource\'s own lifetime');
    assert.equal(tokens.expires_in, 600);

    // An API token is no userinfo token: the library refuses a token with an audience there.
    await assert.rejects(client.fetchUserInfo(config, tokens.access_token, claims.sub), (error: Error & { status?: number }) => error.status === 401 || /audience/i.test(String((error as { error_description?: string }).error_description)));
    // A refresh without `resource` yields the userinfo token (oidc/resource-indicators.ts).
    const forUserinfo = await client.refreshTokenGrant(config, tokens.refresh_token!);
    const userinfo = await client.fetchUserInfo(config, forUserinfo.access_token, claims.sub);
    assert.equal(userinfo.sub, claims.sub);
    assert.equal(forUserinfo.access_token.split('.').length, 1, 'userinfo tokens stay opaque');
    // The resource's scopes stay at the resource: a token without an audience never carries them.
    assert.deepEqual(forUserinfo.scope?.split(' ').sort(), ['offline_access', 'openid']);
    assert.equal((await introspect(endpoints, forUserinfo.access_token, introspector)).scope, 'openid offline_access');

    // RFC 8707 §2.2: a refresh naming the resource and fewer scopes gets a narrower token.
    const narrowed = await client.refreshTokenGrant(config, forUserinfo.refresh_token!, { resource: ITEMS, scope: 'read:items' });
    const narrowClaims = await resourceServerCheck(endpoints, server.issuer, ITEMS, narrowed.access_token);
    assert.equal(narrowClaims.scope, 'read:items');
    assert.notEqual(narrowClaims.jti, claims.jti);
    // A refresh for a resource that was not granted is refused.
    await assert.rejects(client.refreshTokenGrant(config, narrowed.refresh_token!, { resource: LEDGER }), (error: { error?: string }) => error.error === 'invalid_target');
  });

  it('an API refuses a token issued for another audience', async () => {
    const config = await relyingParty(server, machine);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:items', resource: ITEMS });
    await resourceServerCheck(endpoints, server.issuer, ITEMS, tokens.access_token);
    await assert.rejects(resourceServerCheck(endpoints, server.issuer, MIRROR, tokens.access_token), (error: { code?: string; claim?: string }) => error.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && error.claim === 'aud');
  });

  it('issues client_credentials tokens for a resource: subject is the client, scope within the resource', async () => {
    const config = await relyingParty(server, machine);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:items write:items', resource: ITEMS });
    const claims = await resourceServerCheck(endpoints, server.issuer, ITEMS, tokens.access_token);
    assert.equal(claims.sub, machine.client_id);
    assert.equal(claims.client_id, machine.client_id);
    assert.equal(claims.scope, 'read:items write:items');
    assert.equal(claims.exp! - claims.iat!, 600);
    // The library does not introspect a JWT access token: the API checks it itself (docs/resources.md).
    const answer = await postForm(endpoints.introspection, { token: tokens.access_token }, introspector);
    assert.equal(answer.status, 400, answer.text);
    assert.equal(answer.body.error, 'unsupported_token_type');
  });

  it('keeps the opaque format introspectable, with the audience', async () => {
    const config = await relyingParty(server, machine);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:ledger', resource: LEDGER });
    assert.equal(tokens.access_token.split('.').length, 1, 'an opaque token');
    const answer = await introspect(endpoints, tokens.access_token, introspector);
    assert.equal(answer.active, true);
    assert.equal(answer.aud, LEDGER);
    assert.equal(answer.scope, 'read:ledger');
    assert.equal(answer.client_id, machine.client_id);
  });

  it('refuses an unknown resource with invalid_target at the token and the authorization endpoint', async () => {
    const token = await postForm(endpoints.token, { grant_type: 'client_credentials', scope: 'read:items', resource: UNKNOWN }, machine);
    assert.equal(token.status, 400, token.text);
    assert.equal(token.body.error, 'invalid_target');
    // Near misses of a registered identifier are other, unknown resources: matching is exact.
    for (const resource of [`${ITEMS}/`, `${ITEMS}#x`, ITEMS.toUpperCase(), 'api.items.example.test', `${ITEMS}?a=1`]) {
      const near = await postForm(endpoints.token, { grant_type: 'client_credentials', scope: 'read:items', resource }, machine);
      assert.equal(near.body?.error, 'invalid_target', resource);
    }

    const config = await relyingParty(server, web);
    const request = await authorizationRequest(config, { scope: 'openid read:items', resource: UNKNOWN });
    const answer = await new UserAgent().request(request.url);
    const location = new URL(answer.location ?? 'about:blank');
    assert.equal(location.searchParams.get('error'), 'invalid_target', `got ${answer.status} ${answer.location ?? answer.body.slice(0, 200)}`);
  });

  it('refuses a scope the named resource does not define, instead of dropping it', async () => {
    const token = await postForm(endpoints.token, { grant_type: 'client_credentials', scope: 'read:items read:ledger', resource: ITEMS }, machine);
    assert.equal(token.status, 400, token.text);
    assert.equal(token.body.error, 'invalid_scope');

    const config = await relyingParty(server, web);
    const request = await authorizationRequest(config, { scope: 'openid read:ledger', resource: ITEMS });
    const answer = await new UserAgent().request(request.url);
    const location = new URL(answer.location ?? 'about:blank');
    assert.equal(location.searchParams.get('error'), 'invalid_scope', `got ${answer.status} ${answer.location ?? answer.body.slice(0, 200)}`);
  });

  it("refuses a resource's scope unless the request names that resource: client_credentials, authorization, refresh", async () => {
    // Without `resource` the token would have no `aud`; as an opaque token it would introspect as
    // active with read:ledger, which an API checking only active + scope would take.
    for (const scope of ['read:ledger', 'read:items', 'write:items']) {
      const token = await postForm(endpoints.token, { grant_type: 'client_credentials', scope }, machine);
      assert.equal(token.status, 400, `${scope}: ${token.text}`);
      assert.equal(token.body.error, 'invalid_scope', scope);
      assert.match(String(token.body.error_description), /name it with the 'resource' parameter/, scope);
    }
    // Naming another resource that does not define it is refused as before.
    const elsewhere = await postForm(endpoints.token, { grant_type: 'client_credentials', scope: 'read:ledger', resource: ITEMS }, machine);
    assert.equal(elsewhere.body.error, 'invalid_scope');

    const config = await relyingParty(server, web);
    const request = await authorizationRequest(config, { scope: 'openid read:items' });
    const answer = await new UserAgent().request(request.url);
    const location = new URL(answer.location ?? 'about:blank');
    assert.equal(location.searchParams.get('error'), 'invalid_scope', `got ${answer.status} ${answer.location ?? answer.body.slice(0, 200)}`);

    // A grant that holds an API scope outside any resource (stored before the scope became a
    // resource's): a refresh that does not name the resource succeeds without that scope (the
    // grant is narrowed before the refresh token is consumed), and the chain goes on.
    const scope = 'read:reports';
    const reporting = await createClient(server, { scope: `openid offline_access ${scope}` });
    const reportingConfig = await relyingParty(server, reporting);
    const first = await authorizationRequest(reportingConfig, { scope: `openid offline_access ${scope}` });
    const agent = new UserAgent();
    const callback = callbackOf(await allow(agent, await register(agent, await followToClient(agent, first.url), uniqueEmail('reports'))));
    const tokens = await client.authorizationCodeGrant(reportingConfig, callback, { pkceCodeVerifier: first.codeVerifier, expectedNonce: first.nonce, expectedState: first.state });
    assert.equal(tokens.scope?.split(' ').includes(scope), true, 'an API scope without any resource is still served');
    const reports = 'https://reports.example.test';
    assert.equal((await server.admin('POST', '/admin/resources', { identifier: reports, scopes: [scope] })).status, 201);
    const narrowed = await client.refreshTokenGrant(reportingConfig, tokens.refresh_token!);
    assert.deepEqual(narrowed.scope?.split(' ').sort(), ['offline_access', 'openid'], 'the resource\'s scope is dropped');
    const seen = await introspect(endpoints, narrowed.access_token, introspector);
    assert.equal(seen.active, true);
    assert.equal(String(seen.scope).split(' ').includes(scope), false, 'no token without aud carries the resource\'s scope');
    assert.equal(seen.aud, undefined);
    assert.notEqual(narrowed.refresh_token, undefined, 'the rotated refresh token reaches the client');
    const next = await client.refreshTokenGrant(reportingConfig, narrowed.refresh_token!);
    assert.deepEqual(next.scope?.split(' ').sort(), ['offline_access', 'openid'], 'the chain continues, still narrowed');
    assert.equal((await server.admin('DELETE', `/admin/resources/${encodeURIComponent(reports)}`)).status, 204);
  });

  it('consent to one API does not cover another that defines the same scope', async () => {
    const config = await relyingParty(server, web);
    const email = uniqueEmail('two-apis');
    const first = await authorizationRequest(config, { scope: 'openid read:items', resource: ITEMS });
    const agent = new UserAgent();
    const consent = await register(agent, await followToClient(agent, first.url), email);
    callbackOf(await allow(agent, consent));
    // The same client, the same scope, the same person: remembered for Items API…
    const again = await followToClient(agent, (await authorizationRequest(config, { scope: 'openid read:items', resource: ITEMS })).url);
    callbackOf(again);
    // …but not for Mirror, which also defines read:items.
    const other = await followToClient(agent, (await authorizationRequest(config, { scope: 'openid read:items', resource: MIRROR })).url);
    assert.ok(isConsentPage(other), `expected the consent page for another API, got ${other.status} ${other.location ?? ''}`);
    assert.match(other.body, /class="resource-name">Mirror</);
  });

  it('a deleted resource gets invalid_target from then on; an update applies to new tokens', async () => {
    const identifier = 'https://short-lived.example.test';
    assert.equal((await server.admin('POST', '/admin/resources', { identifier, scopes: ['read:items', 'write:items'] })).status, 201);
    const config = await relyingParty(server, machine);
    const updated = await server.admin('PATCH', `/admin/resources/${encodeURIComponent(identifier)}`, { scopes: ['read:items'], access_token_ttl: 120 });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:items', resource: identifier });
    const claims = await resourceServerCheck(endpoints, server.issuer, identifier, tokens.access_token);
    assert.equal(claims.exp! - claims.iat!, 120);
    const removed = await postForm(endpoints.token, { grant_type: 'client_credentials', scope: 'write:items', resource: identifier }, machine);
    assert.equal(removed.body.error, 'invalid_scope', 'a scope taken off the resource');
    assert.equal((await server.admin('DELETE', `/admin/resources/${encodeURIComponent(identifier)}`)).status, 204);
    const gone = await postForm(endpoints.token, { grant_type: 'client_credentials', scope: 'read:items', resource: identifier }, machine);
    assert.equal(gone.body.error, 'invalid_target');
  });

  it('the admin API enforces the identifier, scope and lifetime rules, and audits each change', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ identifier: 'http://api.example.test', scopes: ['a'] }, /http is only allowed for loopback hosts/],
      [{ identifier: 'https://api.example.test/#x', scopes: ['a'] }, /fragment/],
      [{ identifier: 'https://api.example.test/?v=1', scopes: ['a'] }, /query/],
      [{ identifier: 'api.example.test', scopes: ['a'] }, /absolute URI/],
      [{ identifier: 'https://user:pw@api.example.test', scopes: ['a'] }, /user information/],
      [{ identifier: 'https://api.example.test/x', scopes: ['openid'] }, /OpenID Connect scope/],
      [{ identifier: 'https://api.example.test/x', scopes: ['read "all"'] }, /RFC 6749/],
      [{ identifier: 'https://api.example.test/x', scopes: [] }, /at least one scope/],
      [{ identifier: 'https://api.example.test/x', scopes: ['a'], access_token_ttl: 10 }, /at least 60 seconds/],
      [{ identifier: 'https://api.example.test/x', scopes: ['a'], access_token_ttl: 100_000 }, /at most 86400 seconds/],
      [{ identifier: 'https://api.example.test/x', scopes: ['a'], access_token_format: 'jwe' }, /jwt or opaque/],
      [{ identifier: 'https://api.example.test/x', scopes: ['a'], audience: 'x' }, /audience/],
      [{ identifier: `https://api.example.test/${'x'.repeat(5000)}`, scopes: ['a'] }, /longer than 1000/],
      [{ identifier: 'https://api.example.test/x', scopes: [1, 2] }, /scopes/],
      [{ identifier: 'https://api.example.test/<script>', scopes: ['a'] }, /printable ASCII/],
    ];
    for (const [body, problem] of bad) {
      const response = await server.admin('POST', '/admin/resources', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(response.body.message, problem, JSON.stringify(body));
    }
    assert.equal((await server.admin('POST', '/admin/resources', { identifier: 'http://127.0.0.1:8080/mcp', scopes: ['tools'] })).status, 201, 'loopback http for development');
    assert.equal((await server.admin('POST', '/admin/resources', { identifier: ITEMS, scopes: ['x'] })).status, 409);
    // One spelling per API: the same identifier once WHATWG-normalised is a duplicate.
    for (const twin of [`${ITEMS}/`, 'HTTPS://API.items.example.test', 'https://api.items.example.test:443', 'https://api.items.example.test/./', 'https://ledger.example.test/v1/../v1']) {
      const response = await server.admin('POST', '/admin/resources', { identifier: twin, scopes: ['x'] });
      assert.equal(response.status, 409, twin);
      assert.match(String(response.body.message), /same identifier once normalised/, twin);
    }
    assert.equal((await server.admin('POST', '/admin/resources', { identifier: `${LEDGER}/`, scopes: ['x'] })).status, 201, 'another path is another API');
    assert.equal((await server.admin('GET', `/admin/resources/${encodeURIComponent(UNKNOWN)}`)).status, 404);
    assert.equal((await server.admin('PATCH', `/admin/resources/${encodeURIComponent(UNKNOWN)}`, { name: 'x' })).status, 404);
    assert.equal((await server.admin('PATCH', `/admin/resources/${encodeURIComponent(ITEMS)}`, { identifier: 'https://moved.example.test' })).status, 400, 'the identifier never changes');
    assert.equal((await server.admin('DELETE', `/admin/resources/${encodeURIComponent(UNKNOWN)}`)).status, 404);
    assert.equal((await server.admin('GET', `/admin/resources/${encodeURIComponent('a\u0000b')}`)).status, 404);
    const list = await server.admin('GET', '/admin/resources');
    assert.ok(list.body.resources.some((r: { identifier: string; name: string }) => r.identifier === ITEMS && r.name === 'Items API'));
    const types = new Set((await server.app.db.primary.selectFrom('audit_events').select('type').execute()).map((row) => row.type));
    for (const type of ['resource.created', 'resource.updated', 'resource.deleted']) assert.ok(types.has(type), type);
  });

  it('a first-party client gets the resource scopes into its grant without a consent page', async () => {
    const firstParty = await createClient(server, { first_party: true, scope: 'openid read:items' });
    const config = await relyingParty(server, firstParty);
    const agent = new UserAgent();
    const request = await authorizationRequest(config, { scope: 'openid read:items', resource: ITEMS });
    const page = await register(agent, await followToClient(agent, request.url), uniqueEmail('fp'));
    const callback = callbackOf(page);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state }, { resource: ITEMS });
    assert.equal((await resourceServerCheck(endpoints, server.issuer, ITEMS, tokens.access_token)).scope, 'read:items');
  });
});
