import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createResourceSchema, parseDurationSeconds, resourceIdentifierProblem, resourceScopeProblem } from './resource.schemas.js';

describe('resource rules (RFC 8707 §2, RFC 6749 §3.3)', () => {
  it('accepts https identifiers and loopback http, exactly as written', () => {
    for (const ok of ['https://api.example.com', 'https://api.example.com/', 'https://api.example.com:8443/v1/mcp', 'http://127.0.0.1:8080/mcp', 'http://localhost:3000', 'http://[::1]:9000/api']) {
      assert.equal(resourceIdentifierProblem(ok), undefined, ok);
    }
  });

  it('refuses relative, fragment, query, userinfo, other schemes, non-loopback http and odd characters', () => {
    const cases: [string, RegExp][] = [
      ['api.example.com', /absolute URI/],
      ['/api', /absolute URI/],
      ['https://api.example.com/#x', /fragment/],
      ['https://api.example.com/?v=1', /query/],
      ['https://api.example.com/?', /query/],
      ['https://u:p@api.example.com', /user information/],
      ['ftp://api.example.com', /must use https/],
      ['urn:example:api', /must use https/],
      ['http://api.example.com', /loopback/],
      ['http://127.0.0.1.nip.io', /loopback/],
      ['https://api.example.com/a b', /printable ASCII/],
      ['https://api.example.com/\u00e9', /printable ASCII/],
      [`https://api.example.com/${'a'.repeat(1000)}`, /longer than 1000/],
    ];
    for (const [value, problem] of cases) assert.match(resourceIdentifierProblem(value) ?? 'accepted', problem, value);
  });

  it('refuses the OpenID Connect scopes and invalid scope-tokens', () => {
    assert.match(resourceScopeProblem('openid') ?? '', /OpenID Connect/);
    assert.match(resourceScopeProblem('offline_access') ?? '', /OpenID Connect/);
    assert.match(resourceScopeProblem('read "x"') ?? '', /RFC 6749/);
    assert.equal(resourceScopeProblem('read:items'), undefined);
  });

  it('defaults to JWT tokens living 15 minutes, and normalises scope text', () => {
    const parsed = createResourceSchema.parse({ identifier: 'https://api.example.com', scopes: ' read:items  write:items read:items ' });
    assert.deepEqual(parsed.scopes, ['read:items', 'write:items']);
    assert.equal(parsed.access_token_format, 'jwt');
    assert.equal(parsed.access_token_ttl, 900);
  });

  it('reads durations in seconds, minutes or hours', () => {
    assert.equal(parseDurationSeconds('90s'), 90);
    assert.equal(parseDurationSeconds('10m'), 600);
    assert.equal(parseDurationSeconds('1h'), 3600);
    assert.equal(parseDurationSeconds('900'), 900);
    for (const bad of ['', '1d', '-5m', '1.5h', '10 m', 'ten']) assert.equal(parseDurationSeconds(bad), undefined, bad);
  });
});
