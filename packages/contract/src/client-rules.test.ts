import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AUTH_METHODS,
  clientProblems,
  defaultAuthMethod,
  DEFAULT_GRANT_TYPES,
  DEFAULT_ID_TOKEN_ALG,
  GRANT_TYPES,
  grantTypesProblem,
  DEVICE_CODE_GRANT,
  ID_TOKEN_ALGS,
  endpointUriProblem,
  isLoopbackHost,
  isScopeToken,
  LOOPBACK_HOSTS,
  redirectUriProblem,
  REDIRECT_URI_PROBLEMS,
  scopeTokens,
  SUPPORTED_SCOPES,
  type ClientShape,
} from './client-rules.js';

void describe('redirect URI rules', () => {
  void it('accepts https anywhere and http on each loopback host', () => {
    for (const uri of ['https://app.example/cb', 'https://app.example:8443/cb?x=1', 'http://127.0.0.1:8080/cb', 'http://[::1]:9/cb', 'http://localhost:3000/cb', 'http://localhost/cb']) {
      assert.equal(redirectUriProblem(uri), undefined, uri);
    }
  });

  void it('refuses plain http off loopback, look-alikes of loopback included', () => {
    for (const uri of ['http://app.example/cb', 'http://127.0.0.2/cb', 'http://localhost.evil.test/cb', 'http://0.0.0.0/cb', 'http://[::2]/cb']) {
      assert.equal(redirectUriProblem(uri), REDIRECT_URI_PROBLEMS.http_off_loopback, uri);
    }
  });

  void it('refuses relative URLs, other schemes, fragments (even an empty one) and userinfo', () => {
    const cases: [string, string][] = [
      ['/cb', REDIRECT_URI_PROBLEMS.not_absolute],
      ['not a url', REDIRECT_URI_PROBLEMS.not_absolute],
      ['javascript:alert(1)', REDIRECT_URI_PROBLEMS.scheme],
      ['data:text/html,x', REDIRECT_URI_PROBLEMS.scheme],
      ['ftp://app.example/cb', REDIRECT_URI_PROBLEMS.scheme],
      ['https://app.example/cb#x', REDIRECT_URI_PROBLEMS.fragment],
      ['https://app.example/cb#', REDIRECT_URI_PROBLEMS.fragment],
      ['https://user@app.example/cb', REDIRECT_URI_PROBLEMS.userinfo],
      ['https://user:pw@app.example/cb', REDIRECT_URI_PROBLEMS.userinfo],
    ];
    for (const [uri, problem] of cases) assert.equal(redirectUriProblem(uri), problem, uri);
  });

  void it('refuses wildcards, which exact matching would never match', () => {
    for (const uri of ['https://*.example.com/cb', 'https://app.example/cb/*', 'http://*:8080/cb']) {
      assert.equal(redirectUriProblem(uri), REDIRECT_URI_PROBLEMS.wildcard, uri);
    }
  });

  void it("accepts a native app's reverse-domain private-use scheme (RFC 8252 §7.1), nothing else", () => {
    for (const uri of ['com.example.app:/oauth2/cb', 'com.googleusercontent.apps.123:/oauthredirect']) assert.equal(redirectUriProblem(uri), undefined, uri);
    assert.equal(redirectUriProblem('myapp:/cb'), REDIRECT_URI_PROBLEMS.scheme, 'no dot: not a reverse domain name');
    assert.equal(redirectUriProblem('com.example.app://host/cb'), REDIRECT_URI_PROBLEMS.private_scheme);
    assert.equal(redirectUriProblem('com.example.app:cb'), REDIRECT_URI_PROBLEMS.private_scheme);
    assert.equal(redirectUriProblem('com.example.app:/cb#x'), REDIRECT_URI_PROBLEMS.fragment);
    assert.equal(endpointUriProblem('com.example.app:/logout'), REDIRECT_URI_PROBLEMS.private_scheme_not_allowed);
  });

  void it('names each loopback host once, as URL spells a hostname', () => {
    assert.deepEqual([...LOOPBACK_HOSTS].sort(), ['127.0.0.1', '[::1]', 'localhost']);
    for (const host of LOOPBACK_HOSTS) assert.equal(new URL(`http://${host}/`).hostname, host);
    assert.equal(isLoopbackHost('::1'), false, 'an IPv6 hostname from URL carries brackets');
  });
});

void describe('the closed sets', () => {
  const sets: [string, readonly string[]][] = [
    ['scopes', SUPPORTED_SCOPES],
    ['grant types', GRANT_TYPES],
    ['auth methods', AUTH_METHODS],
    ['ID token algorithms', ID_TOKEN_ALGS],
  ];
  for (const [name, values] of sets) {
    void it(`lists every one of the ${name} once`, () => {
      assert.ok(values.length > 0);
      assert.equal(new Set(values).size, values.length);
    });
  }

  void it('lists exactly the scopes, grant types, auth methods and algorithms the server supports', () => {
    assert.deepEqual([...SUPPORTED_SCOPES], ['openid', 'profile', 'email', 'offline_access']);
    assert.deepEqual([...GRANT_TYPES], ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code']);
    assert.deepEqual([...AUTH_METHODS], ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt']);
    assert.deepEqual([...ID_TOKEN_ALGS], ['RS256', 'ES256', 'EdDSA']);
  });

  void it('takes its defaults from the sets, RS256 first as OIDC Discovery asks', () => {
    for (const grant of DEFAULT_GRANT_TYPES) assert.ok((GRANT_TYPES as readonly string[]).includes(grant));
    assert.equal(DEFAULT_ID_TOKEN_ALG, 'RS256');
    assert.equal(defaultAuthMethod(true), 'none');
    assert.equal(defaultAuthMethod(false), 'client_secret_basic');
  });
});

void describe('scope text', () => {
  void it('splits on any whitespace, drops duplicates and keeps the order', () => {
    assert.deepEqual(scopeTokens('  openid\temail  openid\nprofile '), ['openid', 'email', 'profile']);
    assert.deepEqual(scopeTokens('   '), []);
  });

  void it('accepts NQCHAR tokens only (RFC 6749 §3.3)', () => {
    for (const token of ['openid', 'api:read', 'a/b!~']) assert.ok(isScopeToken(token), token);
    for (const token of ['a"b', 'a\\b', 'é', '']) assert.equal(isScopeToken(token), false, token);
  });
});

void describe('rules across fields', () => {
  const confidential: ClientShape = { public: false, grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'client_secret_basic' };

  void it('finds nothing wrong with the defaults, public or confidential', () => {
    assert.deepEqual(clientProblems(confidential), []);
    assert.deepEqual(clientProblems({ ...confidential, public: true, token_endpoint_auth_method: 'none' }), []);
    assert.deepEqual(clientProblems({ ...confidential, grant_types: ['client_credentials'], redirect_uris: [], resource_server: true }), []);
  });

  void it('names each broken rule, in a fixed order', () => {
    assert.deepEqual(clientProblems({ ...confidential, redirect_uris: [] }), ['redirect_uri_required']);
    assert.deepEqual(clientProblems({ ...confidential, grant_types: ['refresh_token'] }), ['refresh_needs_code']);
    assert.deepEqual(clientProblems({ ...confidential, public: true }), ['public_needs_none']);
    assert.deepEqual(clientProblems({ ...confidential, token_endpoint_auth_method: 'none' }), ['none_needs_public']);
    assert.deepEqual(
      clientProblems({ public: true, grant_types: ['authorization_code', 'client_credentials'], redirect_uris: [], token_endpoint_auth_method: 'none', resource_server: true }),
      ['redirect_uri_required', 'public_client_credentials', 'public_resource_server'],
    );
  });

  void it('keeps private-use schemes to public clients, whose loopback redirects are then http', () => {
    const native = { ...confidential, redirect_uris: ['com.example.app:/cb'] };
    assert.deepEqual(clientProblems(native), ['private_scheme_needs_public']);
    assert.deepEqual(clientProblems({ ...native, public: true, token_endpoint_auth_method: 'none' }), []);
    assert.deepEqual(clientProblems({ ...native, public: true, token_endpoint_auth_method: 'none', redirect_uris: ['com.example.app:/cb', 'https://localhost/cb'] }), ['native_https_loopback']);
  });

  void it('never lets a native app be first-party (RFC 8252 §8.6)', () => {
    const native = { public: true, grant_types: ['authorization_code'], redirect_uris: ['com.example.app:/cb'], token_endpoint_auth_method: 'none' };
    assert.deepEqual(clientProblems({ ...native, first_party: true }), ['native_first_party']);
    assert.deepEqual(clientProblems({ ...native, first_party: false }), []);
    assert.deepEqual(clientProblems({ ...native, redirect_uris: ['https://app.example/cb'], first_party: true }), []);
  });

  void it('gives private_key_jwt exactly one source of keys, and keys to no other method (RFC 7523 §2.2)', () => {
    const keyJwt = { ...confidential, token_endpoint_auth_method: 'private_key_jwt' };
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] };
    assert.deepEqual(clientProblems(keyJwt), ['key_jwt_needs_keys']);
    assert.deepEqual(clientProblems({ ...keyJwt, jwks }), []);
    assert.deepEqual(clientProblems({ ...keyJwt, jwks: null, jwks_uri: 'https://rp.example/jwks' }), []);
    assert.deepEqual(clientProblems({ ...keyJwt, jwks, jwks_uri: 'https://rp.example/jwks' }), ['jwks_and_jwks_uri']);
    assert.deepEqual(clientProblems({ ...confidential, jwks }), ['keys_need_key_jwt']);
    assert.deepEqual(clientProblems({ ...keyJwt, public: true, jwks }), ['public_needs_none']);
  });

  void it('lets public and confidential clients use the device code grant without a redirect URI (RFC 8628)', () => {
    const cli: ClientShape = { public: true, grant_types: [DEVICE_CODE_GRANT, 'refresh_token'], redirect_uris: [], token_endpoint_auth_method: 'none' };
    assert.deepEqual(clientProblems(cli), []);
    assert.deepEqual(clientProblems({ ...cli, public: false, token_endpoint_auth_method: 'client_secret_basic' }), []);
    // A redirect URI is still needed once the authorization code grant is added.
    assert.deepEqual(clientProblems({ ...cli, grant_types: [DEVICE_CODE_GRANT, 'authorization_code'] }), ['redirect_uri_required']);
  });

  void it('checks a grant-type list on its own, as an update that replaces it needs', () => {
    assert.equal(grantTypesProblem([DEVICE_CODE_GRANT, 'refresh_token']), undefined);
    assert.equal(grantTypesProblem(['refresh_token', 'client_credentials']), 'refresh_needs_code');
    assert.equal(grantTypesProblem(['authorization_code', 'refresh_token']), undefined);
    assert.equal(grantTypesProblem(['client_credentials']), undefined);
  });
});
