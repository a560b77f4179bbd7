/**
 * Short-lived values the server keeps beside the provider's artefacts: small strings under a
 * key, each with its own lifetime, and a claim that only one caller gets (a lock). Today the
 * refresh-token retry window uses it (oidc/refresh-replay.ts). Shared by every instance when
 * the store is (Redis); in this process's memory otherwise, which is right for the one process
 * of embedded mode (as the counters are, memory-counters.ts).
 * Values are opaque here: a caller that keeps a secret in one seals it first.
 */
export interface ShortTerm {
  /** Sets `key` when no live value holds it; true when this call set it (the caller holds it). */
  claim(key: string, value: string, ttlMs: number): Promise<boolean>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
}

export const SHORT_TERM_KEY_PREFIX = 'portcullis:short:';

/** One process's values; expired ones are dropped when read, and swept as the map grows. */
export function memoryShortTerm(clock: () => number = Date.now): ShortTerm {
  const values = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const entry = values.get(key);
    if (entry && entry.expiresAt <= clock()) values.delete(key);
    return entry && entry.expiresAt > clock() ? entry : undefined;
  };
  const sweep = () => {
    if (values.size < 10_000) return;
    for (const key of [...values.keys()]) live(key);
  };
  return {
    claim(key, value, ttlMs) {
      if (live(key)) return Promise.resolve(false);
      sweep();
      values.set(key, { value, expiresAt: clock() + ttlMs });
      return Promise.resolve(true);
    },
    set(key, value, ttlMs) {
      sweep();
      values.set(key, { value, expiresAt: clock() + ttlMs });
      return Promise.resolve();
    },
    get: (key) => Promise.resolve(live(key)?.value),
    delete(key) {
      values.delete(key);
      return Promise.resolve();
    },
  };
}
