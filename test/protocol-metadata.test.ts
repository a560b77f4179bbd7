/**
 * RFC 8414 authorization server metadata at `/.well-known/oauth-authorization-server`: the same
 * document as OpenID Connect discovery, with the same caching, and nothing that differs between
 * the two (API scopes a client brought, branding links, the registration endpoint). openid-client
 * discovers it the way an OAuth 2.0 client (an MCP client) does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';

const OIDC = '/.well-known/openid-configuration';
const RFC8414 = '/.well-known/oauth-authorization-server';

describe('authorization server metadata (RFC 8414)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ DYNAMIC_REGISTRATION: 'open-native' });
    // An API scope and branding decorate the provider's document; both addresses must show the same.
    const created = await server.admin('POST', '/admin/clients', { client_name: 'API caller', grant_types: ['client_credentials'], redirect_uris: [], scope: 'read:items' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await server.admin('PATCH', '/admin/branding', { support_url: 'https://help.example.test/' })).status, 200);
  });
  after(() => server.close());

  it('serves the OpenID Connect discovery document at the RFC 8414 address, field for field', async () => {
    const oidc = (await (await fetch(`${server.issuer}${OIDC}`)).json()) as Record<string, unknown>;
    const oauth = (await (await fetch(`${server.issuer}${RFC8414}`)).json()) as Record<string, unknown>;
    assert.deepEqual(oauth, oidc);
    assert.equal(oauth.issuer, server.issuer);
    assert.equal(oauth.registration_endpoint, `${server.issuer}/reg`);
    assert.deepEqual(oauth.code_challenge_methods_supported, ['S256']);
    assert.equal(oauth.service_documentation, 'https://help.example.test/');
    assert.ok(!(oauth.scopes_supported as string[]).includes('read:items'), 'API scopes are no one\'s business but their client\'s');
  });

  it('answers with the same caching headers as discovery, and 304 to a known ETag', async () => {
    const oidc = await fetch(`${server.issuer}${OIDC}`);
    const oauth = await fetch(`${server.issuer}${RFC8414}`);
    assert.equal(oauth.status, 200);
    assert.equal(oauth.headers.get('cache-control'), oidc.headers.get('cache-control'));
    assert.match(oauth.headers.get('cache-control') ?? '', /max-age=\d+/);
    assert.equal(oauth.headers.get('etag'), oidc.headers.get('etag'));
    assert.match(oauth.headers.get('content-type') ?? '', /^application\/json/);
    const again = await fetch(`${server.issuer}${RFC8414}`, { headers: { 'if-none-match': oauth.headers.get('etag')! } });
    assert.equal(again.status, 304);
  });

  it('lets an OAuth 2.0 client discover the server and register through it (openid-client)', async () => {
    const config = await client.dynamicClientRegistration(new URL(server.issuer), { client_name: 'Agent', redirect_uris: ['http://127.0.0.1:7777/cb'] }, undefined, { execute: [client.allowInsecureRequests], algorithm: 'oauth2' });
    assert.equal(config.serverMetadata().issuer, server.issuer);
    assert.equal(typeof config.clientMetadata().client_id, 'string');
  });
});
