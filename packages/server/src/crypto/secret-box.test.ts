import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createCipheriv } from 'node:crypto';
import { createSecretBox, encryptionKeyId, SecretBoxError } from './secret-box.js';

/** A value sealed the way releases before the key ring did: `v1.<iv>.<tag>.<ciphertext>`. */
function sealV1(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

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

describe('secret box key ring', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('seals with the newest key and names it, and opens values sealed with any key of the ring', () => {
    const before = createSecretBox([oldKey]).seal('seed', 'totp:1');
    const ring = createSecretBox([newKey, oldKey]);
    const after = ring.seal('seed', 'totp:1');
    assert.equal(after.split('.')[1], encryptionKeyId(newKey));
    assert.equal(ring.open(before, 'totp:1'), 'seed');
    assert.equal(ring.open(after, 'totp:1'), 'seed');
    assert.equal(createSecretBox(newKey).open(after, 'totp:1'), 'seed', 'the old key is not needed for new seals');
  });

  it('opens values sealed before the ring existed (v1, no key id) with whichever key fits', () => {
    const legacy = sealV1(oldKey, 'client-secret', 'client:a');
    const ring = createSecretBox([newKey, oldKey]);
    assert.equal(ring.open(legacy, 'client:a'), 'client-secret');
    assert.ok(ring.isStale(legacy));
    assert.throws(() => createSecretBox([newKey]).open(legacy, 'client:a'), SecretBoxError);
  });

  it('tells which values a reseal still has to move to the newest key', () => {
    const ring = createSecretBox([newKey, oldKey]);
    assert.ok(ring.isStale(createSecretBox([oldKey]).seal('x', 'a')));
    assert.ok(!ring.isStale(ring.seal('x', 'a')));
  });

  it('refuses a value whose key left the ring, naming the key id', () => {
    const sealed = createSecretBox([oldKey]).seal('x', 'a');
    assert.throws(() => createSecretBox([newKey]).open(sealed, 'a'), new RegExp(encryptionKeyId(oldKey)));
  });

  it('refuses an empty ring and the same key twice', () => {
    assert.throws(() => createSecretBox([]));
    assert.throws(() => createSecretBox([oldKey, Buffer.from(oldKey)]));
  });
});
