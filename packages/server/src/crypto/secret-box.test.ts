import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox, SecretBoxError } from './secret-box.js';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips a secret without storing the plaintext', () => {
    const sealed = box.seal('s3cret-value', 'client:abc');
    assert.ok(!sealed.includes('s3cret'));
    assert.equal(box.open(sealed, 'client:abc'), 's3cret-value');
  });

  it('uses a fresh IV each time', () => {
    assert.notEqual(box.seal('same', 'aad'), box.seal('same', 'aad'));
  });

  it('refuses a ciphertext moved to another row, tampered, or opened with another key', () => {
    const sealed = box.seal('value', 'client:a');
    assert.throws(() => box.open(sealed, 'client:b'), SecretBoxError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    assert.throws(() => box.open(parts.join('.'), 'client:a'), SecretBoxError);
    assert.throws(() => createSecretBox(randomBytes(32)).open(sealed, 'client:a'), SecretBoxError);
    assert.throws(() => box.open('garbage', 'client:a'), SecretBoxError);
  });

  it('refuses a key that is not 32 bytes', () => {
    assert.throws(() => createSecretBox(randomBytes(16)));
  });
});
