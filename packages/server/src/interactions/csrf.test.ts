import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCsrf } from './csrf.js';

describe('csrf tokens', () => {
  const csrf = createCsrf(['k'.repeat(32)]);

  it('accepts the token of its own interaction only', () => {
    const token = csrf.tokenFor('uid-1');
    assert.equal(csrf.verify('uid-1', token), true);
    assert.equal(csrf.verify('uid-2', token), false);
    assert.equal(csrf.verify('uid-1', ''), false);
    assert.equal(csrf.verify('uid-1', undefined), false);
    assert.equal(csrf.verify('uid-1', ['array']), false);
  });

  it('still accepts tokens signed with an older cookie key during rotation', () => {
    const old = createCsrf(['o'.repeat(32)]).tokenFor('uid');
    assert.equal(createCsrf(['n'.repeat(32), 'o'.repeat(32)]).verify('uid', old), true);
    assert.equal(createCsrf(['n'.repeat(32)]).verify('uid', old), false);
  });
});
