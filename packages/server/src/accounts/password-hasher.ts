/**
 * Password hashing with argon2id at OWASP's parameters (m=19 MiB, t=2, p=1; SECURITY.md A4).
 * `verifyDummy` spends the same work on an unknown email, so response time does not reveal
 * whether an account exists (A2).
 *
 * At most one hash per core runs at a time (a semaphore). argon2 runs on libuv's thread pool
 * (4 threads by default, UV_THREADPOOL_SIZE), which it shares with WebCrypto signing, zlib and
 * fs; past the core count more parallel hashes only time-slice the same cores, each taking
 * longer, and a burst of logins would fill the pool and stall token signing behind it. Capped,
 * the excess waits in our queue instead, while the pool keeps threads free for the rest.
 * Raising UV_THREADPOOL_SIZE does not make hashing faster on the same cores.
 */
import os from 'node:os';
import argon2 from 'argon2';
import { createSemaphore } from './semaphore.js';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  verifyDummy(password: string): Promise<false>;
}

/** The two argon2 calls the hasher makes; tests pass a fake. */
export type Argon2 = Pick<typeof argon2, 'hash' | 'verify'>;

export async function createPasswordHasher(options: { concurrency?: number; argon?: Argon2 } = {}): Promise<PasswordHasher> {
  const argon = options.argon ?? argon2;
  const gate = createSemaphore(options.concurrency ?? os.availableParallelism());
  const verify = (hash: string, password: string) => gate.run(() => argon.verify(hash, password));
  const dummyHash = await gate.run(() => argon.hash('portcullis-dummy-password-for-unknown-accounts', ARGON2_OPTIONS));
  return {
    hash: (password) => gate.run(() => argon.hash(password, ARGON2_OPTIONS)),
    async verify(hash, password) {
      try {
        return await verify(hash, password);
      } catch {
        return false;
      }
    },
    async verifyDummy(password) {
      await verify(dummyHash, password).catch(() => false);
      return false;
    },
  };
}
