import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIFETIMES, refreshTokenTtl } from './lifetimes.js';

describe('lifetimes', () => {
  it('keeps codes at 60 s and access tokens at most an hour', () => {
    assert.equal(LIFETIMES.authorizationCode, 60);
    assert.ok(LIFETIMES.accessToken <= 3600);
    assert.ok(LIFETIMES.session < 14 * 24 * 3600);
  });

  it('caps a rotated refresh token at the absolute limit of its chain', () => {
    const start = 1_000_000;
    assert.equal(refreshTokenTtl(start, start), LIFETIMES.refreshTokenIdle);
    const nearEnd = start + LIFETIMES.refreshTokenAbsolute - 100;
    assert.equal(refreshTokenTtl(start, nearEnd), 100);
    assert.equal(refreshTokenTtl(start, start + LIFETIMES.refreshTokenAbsolute + 5), 1);
  });
});
