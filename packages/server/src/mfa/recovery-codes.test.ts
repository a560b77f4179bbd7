import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';

describe('recovery codes', () => {
  it('makes ten distinct 16-character codes in groups of four', () => {
    const codes = newRecoveryCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  });

  it('forgives case, spaces, hyphens and look-alike letters when matching', () => {
    const [code] = newRecoveryCodes() as [string];
    const hash = hashRecoveryCode('acc', code);
    assert.ok(hash);
    assert.equal(hashRecoveryCode('acc', code.toLowerCase().replaceAll('-', ' ')), hash);
    assert.equal(normalizeRecoveryCode('0000-1111-aaaa-bbbb'), normalizeRecoveryCode('OOOO-IIll-AAAA-BBBB'));
  });

  it('binds the digest to the account and refuses what cannot be a code', () => {
    const [code] = newRecoveryCodes() as [string];
    assert.notEqual(hashRecoveryCode('a', code), hashRecoveryCode('b', code));
    for (const bad of ['', '123456', 'UUUU-UUUU-UUUU-UUUU', `${code}0`]) assert.equal(hashRecoveryCode('a', bad), undefined, bad);
  });
});
