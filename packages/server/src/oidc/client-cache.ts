/**
 * A per-instance cache of client metadata in front of the client adapter: every token,
 * introspection and userinfo request looks its client up (introspection twice: the caller
 * and the token's client), and a database read plus an AES-GCM open per lookup was a large
 * share of the token endpoints' CPU (docs/benchmarks.md).
 * - Entries live at most `ttlMs` (10 s in production). A change made through this instance
 *   (the admin API writes through `invalidatingClientRepository`) takes effect at once here;
 *   other instances see it within the TTL — so a rotated secret works at once on the instance
 *   that rotated it, and everywhere within 10 s, and an old secret or a deleted client keeps
 *   working at most that long on the others.
 * - Only found clients are cached: a client created on another instance is never hidden by a
 *   cached miss.
 * - Concurrent lookups of one missing entry share a single load.
 * - The cached payload holds the plaintext secret, as the provider's own Client objects do.
 */
import type { AdapterPayload } from 'oidc-provider';
import type { ClientRepository } from '@portcullis/db';

export const CLIENT_CACHE_TTL_MS = 10_000;

export interface ClientCache {
  get(clientId: string, load: () => Promise<AdapterPayload | undefined>): Promise<AdapterPayload | undefined>;
  invalidate(clientId: string): void;
}

export function createClientCache(options: { ttlMs?: number; now?: () => number; maxEntries?: number } = {}): ClientCache {
  const ttlMs = options.ttlMs ?? CLIENT_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { payload: AdapterPayload; expires: number }>();
  const loading = new Map<string, { promise: Promise<AdapterPayload | undefined>; generation: number }>();
  // Bumped by every invalidation, so a load that began before a change never caches stale data.
  const generations = new Map<string, number>();
  return {
    async get(clientId, load) {
      const hit = entries.get(clientId);
      if (hit && hit.expires > now()) return hit.payload;
      if (hit) entries.delete(clientId);
      const generation = generations.get(clientId) ?? 0;
      const pending = loading.get(clientId);
      if (pending && pending.generation === generation) return pending.promise;
      const promise = load().then((payload) => {
        if (payload && (generations.get(clientId) ?? 0) === generation) {
          // Oldest first out: Map keeps insertion order.
          if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
          entries.set(clientId, { payload, expires: now() + ttlMs });
        }
        return payload;
      }).finally(() => {
        if (loading.get(clientId)?.promise === promise) loading.delete(clientId);
      });
      loading.set(clientId, { promise, generation });
      return promise;
    },
    invalidate(clientId) {
      entries.delete(clientId);
      generations.set(clientId, (generations.get(clientId) ?? 0) + 1);
    },
  };
}

/** The client repository, dropping a client from `cache` after every write that changes it. */
export function invalidatingClientRepository(clients: ClientRepository, cache: ClientCache): ClientRepository {
  return {
    ...clients,
    async insert(client) {
      const stored = await clients.insert(client);
      cache.invalidate(client.clientId);
      return stored;
    },
    async update(clientId, changes) {
      try {
        return await clients.update(clientId, changes);
      } finally {
        cache.invalidate(clientId);
      }
    },
    async delete(clientId) {
      try {
        return await clients.delete(clientId);
      } finally {
        cache.invalidate(clientId);
      }
    },
  };
}
