import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from './cli.error.js';
import { redirectUriProblem } from '@portcullis/contract';
import { parseCreateFlags, parseUpdateFlags } from './validate.js';

/** The usage error a parse throws, asserting that it is one. */
function usageMessage(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof CliError, 'expected a CliError');
    assert.equal(error.code, 'cli.usage');
    return error.message;
  }
  assert.fail('expected the input to be rejected');
}

void describe('redirectUriProblem', () => {
  void it('accepts https and http on the three loopback hosts', () => {
    for (const uri of ['https://app.example/cb', 'http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'http://localhost:3000/cb']) {
      assert.equal(redirectUriProblem(uri), undefined, uri);
    }
  });

  void it('rejects relative URLs, other schemes, fragments and plain http elsewhere', () => {
    assert.equal(redirectUriProblem('/cb'), 'not an absolute URL');
    assert.equal(redirectUriProblem('not a url'), 'not an absolute URL');
    assert.match(redirectUriProblem('ftp://app.example/cb') ?? '', /https/);
    assert.equal(redirectUriProblem('https://app.example/cb#frag'), 'must not contain a fragment');
    assert.equal(redirectUriProblem('https://app.example/cb#'), 'must not contain a fragment');
    assert.equal(redirectUriProblem('http://app.example/cb'), 'http is only allowed for loopback hosts');
    assert.equal(redirectUriProblem('http://127.0.0.2/cb'), 'http is only allowed for loopback hosts');
    assert.equal(redirectUriProblem('https://user:pw@app.example/cb'), 'must not contain user information');
  });
});

void describe('parseCreateFlags', () => {
  void it('fills in the documented defaults for a confidential client', () => {
    assert.deepEqual(parseCreateFlags({ name: ' Demo ', redirectUri: ['https://app.example/cb'] }), {
      client_name: 'Demo',
      redirect_uris: ['https://app.example/cb'],
      post_logout_redirect_uris: [],
      public: false,
      first_party: false,
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
  });

  void it('defaults a public client to auth method none', () => {
    const body = parseCreateFlags({ name: 'SPA', public: true, redirectUri: ['https://spa.example/cb'] });
    assert.equal(body.token_endpoint_auth_method, 'none');
    assert.equal(body.public, true);
  });

  void it('needs no redirect URI for a client_credentials-only client, and normalises scope', () => {
    const body = parseCreateFlags({ name: 'Batch', grantType: ['client_credentials'], scope: '  api:read api:write  api:read' });
    assert.deepEqual(body.grant_types, ['client_credentials']);
    assert.deepEqual(body.redirect_uris, []);
    assert.equal(body.scope, 'api:read api:write');
  });

  void it('names the flag and the value in each rejection', () => {
    assert.equal(
      usageMessage(() => parseCreateFlags({ name: 'x', redirectUri: ['http://app.example/cb'] })),
      '--redirect-uri "http://app.example/cb": http is only allowed for loopback hosts',
    );
    assert.match(usageMessage(() => parseCreateFlags({ name: 'x', grantType: ['implicit'] })), /^--grant-type "implicit": must be one of/);
    assert.match(usageMessage(() => parseCreateFlags({ name: 'x', authMethod: 'tls_client_auth' })), /^--auth-method "tls_client_auth"/);
    assert.match(usageMessage(() => parseCreateFlags({ name: 'x', postLogoutRedirectUri: ['nope'] })), /^--post-logout-redirect-uri "nope"/);
    assert.match(usageMessage(() => parseCreateFlags({ name: 'x', scope: 'a"b', grantType: ['client_credentials'] })), /--scope "a\\"b"/);
  });

  void it('rejects combinations a public or confidential client cannot have', () => {
    assert.match(usageMessage(() => parseCreateFlags({ name: 'x', public: true, grantType: ['client_credentials'] })), /client_credentials/);
    const withUri = { name: 'x', redirectUri: ['https://a.example/cb'] };
    assert.match(usageMessage(() => parseCreateFlags({ ...withUri, public: true, authMethod: 'client_secret_post' })), /--auth-method none/);
    assert.match(usageMessage(() => parseCreateFlags({ ...withUri, authMethod: 'none' })), /--public/);
    assert.match(usageMessage(() => parseCreateFlags({ name: 'x' })), /--redirect-uri is required/);
    assert.match(usageMessage(() => parseCreateFlags({ name: 'x', grantType: ['refresh_token', 'client_credentials'] })), /refresh_token needs/);
  });

  void it('reports every bad flag at once, on one line', () => {
    const message = usageMessage(() => parseCreateFlags({ name: 'x', redirectUri: ['cb'], grantType: ['implicit'] }));
    assert.match(message, /--redirect-uri "cb".*; --grant-type "implicit"/);
    assert.doesNotMatch(message, /\n/);
  });
});

void describe('parseUpdateFlags', () => {
  void it('sends only the fields given, including an explicit first_party: false', () => {
    assert.deepEqual(parseUpdateFlags({ firstParty: false, scope: 'openid' }), { first_party: false, scope: 'openid' });
  });

  void it('validates the fields it is given', () => {
    assert.match(usageMessage(() => parseUpdateFlags({ redirectUri: ['http://app.example/cb'] })), /loopback/);
    assert.match(usageMessage(() => parseUpdateFlags({ grantType: ['refresh_token'] })), /refresh_token needs/);
  });

  void it('refuses an update with nothing to change', () => {
    assert.match(usageMessage(() => parseUpdateFlags({})), /nothing to update/);
  });
});

void describe('--backchannel-logout-uri', () => {
  void it('follows the redirect-URI rules and sends sid-required only when turned off', () => {
    assert.deepEqual(
      parseCreateFlags({ name: 'RP', redirectUri: ['https://rp.example/cb'], backchannelLogoutUri: 'http://127.0.0.1:8080/bc', backchannelLogoutSessionRequired: true }).backchannel_logout_uri,
      'http://127.0.0.1:8080/bc',
    );
    const off = parseCreateFlags({ name: 'RP', redirectUri: ['https://rp.example/cb'], backchannelLogoutUri: 'https://rp.example/bc', backchannelLogoutSessionRequired: false });
    assert.equal(off.backchannel_logout_session_required, false);
    assert.match(usageMessage(() => parseCreateFlags({ name: 'RP', redirectUri: ['https://rp.example/cb'], backchannelLogoutUri: 'http://rp.example/bc' })), /--backchannel-logout-uri "http:\/\/rp\.example\/bc": http is only allowed for loopback hosts/);
  });

  void it("removes the URI on an update given ''", () => {
    assert.deepEqual(parseUpdateFlags({ backchannelLogoutUri: '' }), { backchannel_logout_uri: null });
  });
});
