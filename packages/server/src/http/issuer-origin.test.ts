import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathAndQueryOf } from './issuer-origin.js';

describe('the path and query of a request target', () => {
  it('keeps an origin-form target as it is', () => {
    assert.equal(pathAndQueryOf('/auth?client_id=a&state=b'), '/auth?client_id=a&state=b');
  });

  it('drops the scheme and authority of an absolute-form target', () => {
    assert.equal(pathAndQueryOf('http://evil.example/.well-known/openid-configuration'), '/.well-known/openid-configuration');
    assert.equal(pathAndQueryOf('HTTPS://user@evil.example:8443/token?x=1'), '/token?x=1');
  });
});
