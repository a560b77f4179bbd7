import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClientSchema } from './client-input.schema.js';
import { redirectUriProblem } from '@portcullis/contract';

describe('redirect URI rules', () => {
  it('accepts https and loopback http', () => {
    for (const uri of ['https://app.example/cb', 'http://127.0.0.1:8080/cb', 'http://localhost:3000/cb', 'http://[::1]:9/cb']) {
      assert.equal(redirectUriProblem(uri), undefined, uri);
    }
  });

  it('refuses http elsewhere, fragments, userinfo, relative and script URIs', () => {
    for (const uri of ['http://app.example/cb', 'https://app.example/cb#x', 'https://user@app.example/cb', '/cb', 'javascript:alert(1)', 'data:text/html,x', 'http://localhost.evil.test/cb']) {
      assert.notEqual(redirectUriProblem(uri), undefined, uri);
    }
  });
});

describe('client registration schema', () => {
  it('defaults to a confidential client with authorization_code and refresh_token', () => {
    const parsed = createClientSchema.parse({ client_name: 'App', redirect_uris: ['https://app.example/cb'] });
    assert.deepEqual(parsed.grant_types, ['authorization_code', 'refresh_token']);
    assert.equal(parsed.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(createClientSchema.parse({ client_name: 'SPA', public: true, redirect_uris: ['https://spa.example/cb'] }).token_endpoint_auth_method, 'none');
  });

  it('needs no redirect URI for a client_credentials-only client', () => {
    assert.ok(createClientSchema.safeParse({ client_name: 'Svc', grant_types: ['client_credentials'] }).success);
  });

  it('takes a device client (RFC 8628), public or confidential, with no redirect URI, and a refresh token with it', () => {
    const device = 'urn:ietf:params:oauth:grant-type:device_code';
    assert.ok(createClientSchema.safeParse({ client_name: 'TV', public: true, grant_types: [device, 'refresh_token'] }).success);
    assert.ok(createClientSchema.safeParse({ client_name: 'CLI', grant_types: [device] }).success);
    const refused = createClientSchema.safeParse({ client_name: 'x', grant_types: ['refresh_token', 'client_credentials'] });
    assert.match(JSON.stringify(refused.error?.issues), /authorization_code or the device code grant/);
  });

  it('refuses inconsistent or unknown input with a reason', () => {
    const cases: [unknown, RegExp][] = [
      [{ client_name: 'A' }, /redirect URI is required/],
      [{ client_name: 'A', redirect_uris: ['http://app.example/cb'] }, /loopback/],
      [{ client_name: 'A', grant_types: ['password'] }, /unknown grant type/],
      [{ client_name: 'A', public: true, grant_types: ['client_credentials'] }, /public client/],
      [{ client_name: 'A', redirect_uris: ['https://a.example/cb'], scope: 'openid "admin"' }, /not a valid scope/],
      [{ client_name: 'A', redirect_uris: ['https://a.example/cb'], extra: 1 }, /extra|Unrecognized/i],
      [{ client_name: 'A', redirect_uris: ['https://a.example/cb'], public: true, token_endpoint_auth_method: 'client_secret_basic' }, /auth method "none"/],
    ];
    for (const [input, message] of cases) {
      const result = createClientSchema.safeParse(input);
      if (result.success) assert.fail(`accepted ${JSON.stringify(input)}`);
      assert.match(result.error.issues.map((i) => i.message).join('; '), message);
    }
  });
});
