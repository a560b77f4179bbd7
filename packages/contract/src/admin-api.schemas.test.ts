import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiErrorSchema, clientViewSchema, signingKeyViewSchema, userViewSchema, type ClientView } from './admin-api.schemas.js';

const client: ClientView = {
  client_id: 'cl_1',
  client_name: 'App',
  redirect_uris: ['https://app.example/cb'],
  post_logout_redirect_uris: [],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: 'RS256',
  scope: 'openid',
  first_party: false,
  built_in: false,
  resource_server: false,
  require_verified_email: false,
  backchannel_logout_uri: null,
  backchannel_logout_session_required: true,
  logo_uri: null,
  client_uri: null,
  policy_uri: null,
  tos_uri: null,
  dynamic_registration: null,
  require_pushed_authorization_requests: false,
  dpop_bound_access_tokens: false,
  jwks: null,
  jwks_uri: null,
  created_at: '2026-12-01T00:00:00.000Z',
  updated_at: '2026-12-01T00:00:00.000Z',
};

void describe('admin API answers', () => {
  void it('parse a view as the server sends it, the secret only when shown', () => {
    assert.deepEqual(clientViewSchema.parse(client), client);
    assert.equal(clientViewSchema.parse({ ...client, client_secret: 's' }).client_secret, 's');
  });

  void it('pass a field a later server adds through untouched', () => {
    assert.equal((clientViewSchema.parse({ ...client, logo_uri: 'https://x' }) as Record<string, unknown>).logo_uri, 'https://x');
  });

  void it('refuse a missing or mistyped field, and null where "none" is not allowed', () => {
    const { scope: _scope, ...noScope } = client;
    assert.equal(clientViewSchema.safeParse(noScope).success, false);
    assert.equal(clientViewSchema.safeParse({ ...client, first_party: 'no' }).success, false);
    assert.equal(userViewSchema.safeParse({ id: 'u', email: 'a@b.example', name: null, email_verified: true, disabled: false, created_at: 'x' }).success, true);
    assert.equal(signingKeyViewSchema.safeParse({ kid: 'k', alg: 'RS256', status: 'compromised', created_at: 'x', retired_at: null, publish_until: null }).success, false);
  });

  void it('read an error body only when it has a code and a message', () => {
    assert.equal(apiErrorSchema.safeParse({ error: 'client.not_found', message: 'No client has this id' }).success, true);
    assert.equal(apiErrorSchema.safeParse({ error: 'x', message: '' }).success, false);
    assert.equal(apiErrorSchema.safeParse('<html>').success, false);
  });
});
