/**
 * The password hasher with its cost measured: argon2id holds ~19 MiB and tens of milliseconds
 * of CPU per call, so duration and concurrency are the first things to look at when sign-ins
 * slow down under load.
 */
import type { PasswordHasher } from '../accounts/password-hasher.js';
import type { Metrics } from './metrics.js';

export function instrumentHasher(hasher: PasswordHasher, metrics: Metrics): PasswordHasher {
  const { hashDuration, hashInFlight } = metrics.internals;
  const timed = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    const end = hashDuration.startTimer({ operation });
    hashInFlight.inc();
    try {
      return await work();
    } finally {
      hashInFlight.dec();
      end();
    }
  };
  return {
    hash: (password) => timed('hash', () => hasher.hash(password)),
    verify: (hash, password) => timed('verify', () => hasher.verify(hash, password)),
    verifyDummy: (password) => timed('verify_dummy', () => hasher.verifyDummy(password)),
  };
}
