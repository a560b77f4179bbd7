import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPasswordPolicy, loadCommonPasswords, PASSWORD_MAX_LENGTH } from './password-policy.js';

describe('password policy', () => {
  const common = loadCommonPasswords();
  const policy = createPasswordPolicy(8, common);

  it('ships a common-password list of well over 10,000 entries', () => {
    assert.ok(common.size > 10_000, `only ${common.size} entries`);
  });

  it('refuses 7 characters and accepts 8, counting code points rather than UTF-16 units', () => {
    assert.equal(policy.check('abcdefg'), 'too_short');
    assert.equal(policy.check('quiet-ox'), undefined);
    assert.equal(policy.check('😀😀😀😀😀😀😀'), 'too_short');
    assert.equal(policy.check('😀😀😀😀😀😀😀😀'), undefined);
  });

  it('accepts long Unicode passphrases with spaces and no composition rules', () => {
    assert.equal(policy.check('ünïcödé pässwörd 密码 🦊🦊 with spaces'), undefined);
    assert.equal(policy.check('a'.repeat(PASSWORD_MAX_LENGTH - 10) + 'bcdefghijk'), undefined);
  });

  it('refuses entries of the common list, whatever their case', () => {
    assert.equal(policy.check('password'), 'common');
    assert.equal(policy.check('PASSWORD'), 'common');
    assert.equal(policy.check('12345678'), 'common');
  });

  it('refuses more than the maximum instead of truncating', () => {
    assert.equal(policy.check('x'.repeat(PASSWORD_MAX_LENGTH + 1)), 'too_long');
  });
});
