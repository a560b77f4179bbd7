/**
 * The signing-keys service against an in-memory repository: generations of three keys, sealed
 * private halves, rotation that keeps retired keys published for a while, the fingerprint other
 * instances compare.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { StoredSigningKey } from '@portcullis/db';
import { createSecretBox } from '../crypto/secret-box.js';
import { announcingRotations, createSigningKeysService, SIGNING_ALGORITHMS } from './signing-keys.service.js';

type NewKey = { kid: string; alg: string; privateJwkCiphertext: string };

/** The repository's rules in memory: one active generation, retired keys published until their time. */
function memoryRepository(now: () => Date) {
  const keys: StoredSigningKey[] = [];
  const add = (newKeys: NewKey[]) => keys.push(...newKeys.map((k) => ({ ...k, status: 'active' as const, createdAt: now(), retiredAt: null, publishUntil: null })));
  const repository = {
    listPublished: (at: Date) => Promise.resolve(keys.filter((k) => k.status === 'active' || (k.publishUntil && k.publishUntil > at))),
    listAll: () => Promise.resolve([...keys]),
    rotate: (newKeys: NewKey[], publishUntil: Date) => {
      for (const [i, k] of keys.entries()) if (k.status === 'active') keys[i] = { ...k, status: 'retired', retiredAt: now(), publishUntil };
      add(newKeys);
      return Promise.resolve();
    },
    insertInitial: (newKeys: NewKey[]) => {
      if (keys.some((k) => k.status === 'active')) return Promise.resolve(false);
      add(newKeys);
      return Promise.resolve(true);
    },
  };
  return { repository: repository, keys };
}

function setup() {
  let now = new Date('2026-12-03T10:00:00Z');
  const { repository, keys } = memoryRepository(() => now);
  const box = createSecretBox(randomBytes(32));
  const service = createSigningKeysService({ repository, box, retiredKeyPublishSeconds: 3600, clock: () => now });
  return { service, keys, box, later: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)) };
}

describe('signing keys service', () => {
  it('creates one generation of RS256, ES256 and EdDSA on first start, and only once', async () => {
    const { service, keys } = setup();
    await service.ensureInitial();
    await service.ensureInitial();
    assert.deepEqual(keys.map((k) => k.alg).sort(), [...SIGNING_ALGORITHMS].sort());
    assert.ok(keys.every((k) => k.kid.startsWith(`${k.alg.toLowerCase()}-`)));
  });

  it('keeps private halves sealed, bound to their kid', async () => {
    const { service, keys, box } = setup();
    await service.ensureInitial();
    for (const key of keys) {
      assert.ok(!key.privateJwkCiphertext.includes('"d"'), 'not stored in the clear');
      const jwk = JSON.parse(box.open(key.privateJwkCiphertext, `signing-key:${key.kid}`)) as { kid: string; alg: string; d?: string; use: string };
      assert.equal(jwk.kid, key.kid);
      assert.equal(jwk.use, 'sig');
      assert.ok(jwk.d, 'a private key');
      assert.throws(() => box.open(key.privateJwkCiphertext, 'signing-key:another-kid'));
    }
  });

  it('loads active keys first, RS256 leading, retired keys after them until their time is up', async () => {
    const { service, later } = setup();
    await service.ensureInitial();
    const first = (await service.load()).keys.map((k) => k.kid!);
    later(60);
    await service.rotate();
    const loaded = (await service.load()).keys;
    assert.deepEqual(loaded.map((k) => k.alg), ['RS256', 'ES256', 'EdDSA', 'RS256', 'ES256', 'EdDSA']);
    assert.deepEqual(loaded.slice(3).map((k) => k.kid).sort(), [...first].sort(), 'the old generation follows the new one');
    later(3601);
    assert.equal((await service.load()).keys.length, 3, 'retired keys leave once nothing they signed can be valid');
  });

  it('changes the fingerprint on a rotation and lists keys with their status and times', async () => {
    const { service, later } = setup();
    await service.ensureInitial();
    const before = await service.fingerprint();
    assert.equal(await service.fingerprint(), before, 'stable while nothing changes');
    later(60);
    await service.rotate();
    assert.notEqual(await service.fingerprint(), before);
    const listed = await service.list();
    const retired = listed.filter((k) => k.status === 'retired');
    assert.equal(retired.length, 3);
    assert.deepEqual(Object.keys(listed[0]!).sort(), ['alg', 'created_at', 'kid', 'publish_until', 'retired_at', 'status']);
    assert.ok(retired.every((k) => k.retired_at === '2026-12-03T10:01:00.000Z' && k.publish_until === '2026-12-03T11:01:00.000Z'));
    assert.ok(listed.filter((k) => k.status === 'active').every((k) => k.retired_at === null && k.publish_until === null));
  });

  it('announces each rotation after it happened, and nothing else', async () => {
    const { service } = setup();
    const announced: number[] = [];
    const keys = announcingRotations(service, () => announced.push(Date.now()));
    await keys.ensureInitial();
    await keys.load();
    assert.equal(announced.length, 0);
    await keys.rotate();
    assert.equal(announced.length, 1);
    assert.equal((await keys.list()).length, 6, 'the rotation itself happened');
  });
});
