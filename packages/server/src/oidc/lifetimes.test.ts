import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIFETIMES, refreshTokenTtl, sessionTtl } from './lifetimes.js';

describe('lifetimes', () => {
  it('keeps codes at 60 s and access tokens at most an hour', () => {
    assert.equal(LIFETIMES.authorizationCode, 60);
    assert.ok(LIFETIMES.accessToken <= 3600);
    assert.ok(LIFETIMES.sessionAbsolute < 14 * 24 * 3600);
  });

  it('ends a session 12 h after sign-in however often it is used, and after 2 h idle before that', () => {
    assert.equal(LIFETIMES.sessionAbsolute, 12 * 3600);
    assert.equal(LIFETIMES.sessionIdle, 2 * 3600);
    const signedIn = 1_000_000;
    // Used right after sign-in, and again every hour: each save lives 2 h more…
    assert.equal(sessionTtl(signedIn, signedIn), 2 * 3600);
    assert.equal(sessionTtl(signedIn, signedIn + 9 * 3600), 2 * 3600);
    // …until the last two hours, when only what remains of the 12 h is left.
    assert.equal(sessionTtl(signedIn, signedIn + 11 * 3600), 3600);
    assert.equal(sessionTtl(signedIn, signedIn + 12 * 3600 - 5), 5);
    // Past the absolute end, never "forever" (0): one second, and the stored session is gone.
    assert.equal(sessionTtl(signedIn, signedIn + 12 * 3600), 1);
    assert.equal(sessionTtl(signedIn, signedIn + 20 * 3600), 1);
    // Nobody signed in yet: the idle limit.
    assert.equal(sessionTtl(undefined, signedIn), 2 * 3600);
  });

  it('caps a rotated refresh token at the absolute limit of its chain', () => {
    const start = 1_000_000;
    assert.equal(refreshTokenTtl(start, start), LIFETIMES.refreshTokenIdle);
    const nearEnd = start + LIFETIMES.refreshTokenAbsolute - 100;
    assert.equal(refreshTokenTtl(start, nearEnd), 100);
    assert.equal(refreshTokenTtl(start, start + LIFETIMES.refreshTokenAbsolute + 5), 1);
  });
});
