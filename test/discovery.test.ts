/**
 * SECURITY.md A18: discovery advertises only what is configured on purpose and tested.
 * - The whole document is pinned to the checked-in object below: a library default that turns a
 *   feature on, or a configuration change that adds a value, fails here first.
 * - COVERAGE names, for every advertised value, the test that exercises it; this file checks
 *   that the table matches the document and that each named test exists.
 * - Every absolute URL is the issuer's, whatever Host the request carried.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './support/test-server.js';

const CAPABILITIES = {
  acr_values_supported: ['urn:portcullis:acr:pwd', 'urn:portcullis:acr:mfa'],
  authorization_response_iss_parameter_supported: true,
  backchannel_logout_session_supported: true,
  backchannel_logout_supported: true,
  claim_types_supported: ['normal'],
  claims_parameter_supported: false,
  claims_supported: ['sub', 'acr', 'amr', 'auth_time', 'name', 'email', 'email_verified', 'sid', 'iss'],
  code_challenge_methods_supported: ['S256'],
  dpop_signing_alg_values_supported: ['ES256'],
  grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
  id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
  request_uri_parameter_supported: false,
  response_modes_supported: ['form_post', 'fragment', 'query'],
  response_types_supported: ['code'],
  scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  subject_types_supported: ['public'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt'],
  token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256'],
  ui_locales_supported: ['en', 'de', 'fr'],
} as const;

const ENDPOINTS = {
  authorization_endpoint: '/auth',
  device_authorization_endpoint: '/device/auth',
  end_session_endpoint: '/session/end',
  introspection_endpoint: '/token/introspection',
  jwks_uri: '/jwks',
  pushed_authorization_request_endpoint: '/request',
  revocation_endpoint: '/token/revocation',
  token_endpoint: '/token',
  userinfo_endpoint: '/me',
} as const;

function expectedDocument(issuer: string): Record<string, unknown> {
  return { issuer, ...CAPABILITIES, ...Object.fromEntries(Object.entries(ENDPOINTS).map(([key, p]) => [key, `${issuer}${p}`])) };
}

const FLOW = 'test/oidc-flow.test.ts';
const CAPS = 'test/oidc-capabilities.test.ts';
const FIRST_FLOW = [FLOW, 'shows the requested scopes for consent and issues a validated ID token with the profile claims'] as const;
const PWD_SIGN_IN = ['test/mfa-signin.test.ts', 'gives a password-only sign-in acr …:pwd and amr ["pwd"]'] as const;
const BACKCHANNEL = ['test/backchannel-logout.test.ts', 'sends a verifiable logout token on RP-initiated logout'] as const;
const I18N = 'test/i18n-pages.test.ts';
const DEVICE = ['test/protocol-device.test.ts', 'signs a device in: the code entered in Chromium, openid-client polls and gets tokens'] as const;
const REQUEST_OBJECTS = [CAPS, 'refuses request objects and request_uri, which discovery does not offer'] as const;
const PAR = ['test/protocol-par.test.ts', 'completes the code flow from a pushed request: /auth carries only client_id and request_uri'] as const;
const DPOP = ['test/protocol-dpop.test.ts', 'binds the access token of a public client to its key: token_type DPoP, introspection cnf.jkt'] as const;
const KEY_JWT = ['test/protocol-private-key-jwt.test.ts', 'authenticates with an assertion signed by any registered key (RS256, ES256)'] as const;

/**
 * Each advertised value (`field` for a scalar or an endpoint, `field value` for a list member)
 * and the test (file, name) that exercises it. `false` values are covered by a test showing the
 * thing is refused or ignored.
 */
const COVERAGE: Record<string, readonly [string, string]> = {
  'acr_values_supported urn:portcullis:acr:pwd': PWD_SIGN_IN,
  'acr_values_supported urn:portcullis:acr:mfa': ['test/mfa-signin.test.ts', 'issues acr …:mfa and amr ["pwd","otp"] after a code, and a new session id (A7)'],
  authorization_response_iss_parameter_supported: [FLOW, 'answers Deny with access_denied, the state and the iss parameter'],
  backchannel_logout_session_supported: BACKCHANNEL,
  backchannel_logout_supported: BACKCHANNEL,
  'claim_types_supported normal': FIRST_FLOW,
  claims_parameter_supported: [CAPS, 'ignores the claims parameter, which discovery says is not supported'],
  'claims_supported sub': FIRST_FLOW,
  'claims_supported acr': PWD_SIGN_IN,
  'claims_supported amr': PWD_SIGN_IN,
  'claims_supported auth_time': PWD_SIGN_IN,
  'claims_supported name': FIRST_FLOW,
  'claims_supported email': FIRST_FLOW,
  'claims_supported email_verified': FIRST_FLOW,
  'claims_supported sid': BACKCHANNEL,
  'claims_supported iss': FIRST_FLOW,
  'code_challenge_methods_supported S256': ['test/oidc-negative-authorization.test.ts', 'starts the sign-in for a request with an S256 challenge (the control case)'],
  'dpop_signing_alg_values_supported ES256': DPOP,
  'grant_types_supported authorization_code': FIRST_FLOW,
  'grant_types_supported refresh_token': [FLOW, 'issues a refresh token and rotates it on every use'],
  'grant_types_supported client_credentials': [FLOW, 'issues an access token to a client registered only for client_credentials'],
  'grant_types_supported urn:ietf:params:oauth:grant-type:device_code': DEVICE,
  'id_token_signing_alg_values_supported RS256': [CAPS, 'signs ID tokens with each advertised algorithm the client registered'],
  'id_token_signing_alg_values_supported ES256': [CAPS, 'signs ID tokens with each advertised algorithm the client registered'],
  'id_token_signing_alg_values_supported EdDSA': [CAPS, 'signs ID tokens with each advertised algorithm the client registered'],
  request_uri_parameter_supported: REQUEST_OBJECTS,
  'response_modes_supported form_post': [CAPS, 'returns the code in an auto-submitted form for response_mode=form_post'],
  'response_modes_supported fragment': [CAPS, 'returns the code in the fragment for response_mode=fragment'],
  'response_modes_supported query': FIRST_FLOW,
  'response_types_supported code': FIRST_FLOW,
  'scopes_supported openid': FIRST_FLOW,
  'scopes_supported profile': FIRST_FLOW,
  'scopes_supported email': FIRST_FLOW,
  'scopes_supported offline_access': [FLOW, 'issues a refresh token and rotates it on every use'],
  // service_documentation, op_policy_uri and op_tos_uri appear only with branding (test/branding.test.ts).
  'ui_locales_supported en': [I18N, 'falls back to English for languages it does not speak'],
  'ui_locales_supported de': [I18N, 'shows sign-in, registration and consent in the language of ui_locales, for the whole interaction'],
  'ui_locales_supported fr': [I18N, 'says a failed sign-in in the language of the interaction'],
  'subject_types_supported public': [CAPS, 'gives a person the same subject at every client (public subject type)'],
  'token_endpoint_auth_methods_supported client_secret_basic': FIRST_FLOW,
  'token_endpoint_auth_methods_supported client_secret_post': [CAPS, 'authenticates a confidential client with client_secret_post'],
  'token_endpoint_auth_methods_supported none': [FLOW, 'completes the code flow with PKCE and no client secret'],
  'token_endpoint_auth_methods_supported private_key_jwt': KEY_JWT,
  'token_endpoint_auth_signing_alg_values_supported RS256': KEY_JWT,
  'token_endpoint_auth_signing_alg_values_supported ES256': KEY_JWT,
  authorization_endpoint: FIRST_FLOW,
  device_authorization_endpoint: DEVICE,
  end_session_endpoint: [FLOW, 'asks for confirmation, ends the session and returns to the registered post-logout URI'],
  introspection_endpoint: [FLOW, 'introspects a live access token as active with its client, subject and scope'],
  jwks_uri: BACKCHANNEL,
  pushed_authorization_request_endpoint: PAR,
  revocation_endpoint: [FLOW, 'introspects a revoked access token as inactive, and userinfo refuses it'],
  token_endpoint: FIRST_FLOW,
  userinfo_endpoint: FIRST_FLOW,
};

/** The keys COVERAGE must have for a document: one per scalar, one per list member. */
function advertisedValues(document: Record<string, unknown>): string[] {
  return Object.entries(document)
    .filter(([key]) => key !== 'issuer')
    .flatMap(([key, value]) => (Array.isArray(value) ? value.map((v) => `${key} ${String(v)}`) : [key]));
}

/** A GET with a Host header and request target of our choosing (fetch would send neither). */
function getRaw(url: string, headers: { host: string }, target?: string): Promise<{ status: number; body: string; location?: string }> {
  const parsed = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname: parsed.hostname, port: parsed.port, path: target ?? `${parsed.pathname}${parsed.search}`, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, location: response.headers.location }));
    });
    request.on('error', reject);
    request.end();
  });
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('discovery (A18)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('advertises exactly the checked-in capabilities and endpoints', async () => {
    const response = await fetch(`${server.issuer}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), expectedDocument(server.issuer));
  });

  it('names a test for every advertised value, and each named test exists', async () => {
    assert.deepEqual(Object.keys(COVERAGE).sort(), advertisedValues(expectedDocument(server.issuer)).sort());
    const sources = new Map<string, string>();
    for (const [value, [file, name]] of Object.entries(COVERAGE)) {
      if (!sources.has(file)) sources.set(file, await readFile(path.join(root, file), 'utf8'));
      assert.ok(sources.get(file)!.includes(`it('${name}'`) || sources.get(file)!.includes(`it(\`${name}\``), `${value}: no test named "${name}" in ${file}`);
    }
  });

  it('serves the same document at the OAuth 2.0 metadata address (RFC 8414)', async () => {
    const response = await fetch(`${server.issuer}/.well-known/oauth-authorization-server`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), expectedDocument(server.issuer));
  });

  it('builds every URL from ISSUER, whatever the Host header or request target says', async () => {
    // A fresh server: the hostile requests come first, when discovery's precomputed body is built.
    const fresh = await startTestServer();
    try {
      const issuer = fresh.issuer;
      const asked = [
        // RFC 9112 §3.2.2: an absolute-form target's authority wins over Host in Koa's ctx.href.
        { label: 'absolute-form target', host: new URL(issuer).host, absolute: 'http://evil.example' },
        { label: 'Host: evil.example', host: 'evil.example' },
        { label: 'Host with the port', host: `evil.example:${new URL(issuer).port}` },
      ];
      for (const { label, host, absolute } of asked) {
        const discoveryPath = '/.well-known/openid-configuration';
        const discovery = await getRaw(`${issuer}${discoveryPath}`, { host }, absolute && `${absolute}${discoveryPath}`);
        assert.equal(discovery.status, 200, label);
        assert.deepEqual(JSON.parse(discovery.body), expectedDocument(issuer), label);
        // A page asked for at another host is sent to the issuer first (http/canonical-host.ts);
        // one served here must still name only the issuer.
        const logout = await getRaw(`${issuer}/session/end`, { host }, absolute && `${absolute}/session/end`);
        if (logout.status === 307) {
          assert.equal(logout.location, `${issuer}/session/end`, `${label}: the redirect goes to the issuer`);
        } else {
          assert.equal(logout.status, 200, label);
          assert.ok(!logout.body.includes('evil.example'), `${label}: the logout form names the attacker's host`);
          assert.ok(logout.body.includes(`action="${issuer}/session/end/confirm"`), `${label}: the logout form posts to the issuer`);
        }
      }
      const later = await fetch(`${issuer}/.well-known/openid-configuration`);
      assert.deepEqual(await later.json(), expectedDocument(issuer), 'what the next relying party is served');
    } finally {
      await fresh.close();
    }
  });
});
