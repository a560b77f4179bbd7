import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPasswordHasher, type Argon2 } from './password-hasher.js';

/** A fake argon2 that records how many calls overlap. */
function countingArgon() {
  const stats = { running: 0, peak: 0, calls: 0 };
  const work = async <T>(value: T): Promise<T> => {
    stats.calls += 1;
    stats.running += 1;
    stats.peak = Math.max(stats.peak, stats.running);
    await new Promise((resolve) => setTimeout(resolve, 2));
    stats.running -= 1;
    return value;
  };
  const argon = {
    hash: (password: string) => work(`hash:${password}`),
    verify: (hash: string, password: string) => work(hash === `hash:${password}`),
  } as unknown as Argon2;
  return { argon, stats };
}

describe('password hasher', () => {
  it('runs at most `concurrency` argon2 calls at once, however many sign-ins arrive', async () => {
    const { argon, stats } = countingArgon();
    const hasher = await createPasswordHasher({ concurrency: 2, argon });
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => hasher.verify('hash:right', 'right')),
      ...Array.from({ length: 4 }, () => hasher.verifyDummy('guess')),
      ...Array.from({ length: 4 }, () => hasher.hash('new password').then(() => true)),
    ]);
    assert.equal(stats.peak, 2);
    assert.equal(stats.calls, 1 + 16);
    assert.deepEqual(results.slice(0, 8), Array(8).fill(true));
    assert.deepEqual(results.slice(8, 12), Array(4).fill(false));
  });

  it('defaults to one argon2 call per core', async () => {
    const { argon, stats } = countingArgon();
    const hasher = await createPasswordHasher({ argon });
    await Promise.all(Array.from({ length: 64 }, () => hasher.verify('hash:x', 'x')));
    assert.ok(stats.peak <= (await import('node:os')).availableParallelism(), `peak ${stats.peak}`);
  });

  it('still hashes and verifies with the real argon2id', async () => {
    const hasher = await createPasswordHasher();
    const hash = await hasher.hash('correct horse');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,(t=2,p=1|p=1,t=2)\$/);
    assert.equal(await hasher.verify(hash, 'correct horse'), true);
    assert.equal(await hasher.verify(hash, 'wrong horse'), false);
  });
});
