/**
 * A per-instance cache of client metadata in front of the client adapter: every token,
 * introspection and userinfo request looks its client up (introspection twice: the caller
 * and the token's client), and a database read plus an AES-GCM open per lookup was a large
 * share of the token endpoints' CPU (docs/benchmarks.md).
 * - Entries live at most `ttlMs` (10 s in production). A change made through this instance
 *   (the admin API writes through `invalidatingClientRepository`) takes effect at once here,
 *   and, when instances share a Redis, at once on the others too (stores/redis/change-feed.ts). The
 *   TTL is the backstop for a lost announcement: without one (Redis down at that moment, or
 *   embedded mode, which has one instance), another instance accepts an old secret or a
 *   deleted client at most 10 s.
 * - For `ttlMs` after a change, a load is told to read the primary: a streaming replica may
 *   not have the change yet, and caching its old row would undo the invalidation for 10 s.
 * - Only found clients are cached: a client created on another instance is never hidden by a
 *   cached miss.
 * - Concurrent lookups of one missing entry share a single load.
 * - The cached payload holds the plaintext secret, as the provider's own Client objects do.
 */
import type { AdapterPayload } from 'oidc-provider';
import type { ClientRepository } from '@portcullis/db';

export const CLIENT_CACHE_TTL_MS = 10_000;

/** `fromPrimary`: the client changed lately, so a replica's copy may be stale. */
export type ClientLoad = (fromPrimary: boolean) => Promise<AdapterPayload | undefined>;

export interface ClientCache {
  get(clientId: string, load: ClientLoad): Promise<AdapterPayload | undefined>;
  invalidate(clientId: string): void;
  /**
   * Forgets every entry (the change feed may have lost messages). The next loads read the
   * replicas as usual: no change is known, and forcing the primary for everyone after every
   * Redis reconnect would buy nothing but load; a lost change is bounded by TTL + replica lag.
   */
  invalidateAll(): void;
}

export function createClientCache(options: { ttlMs?: number; now?: () => number; maxEntries?: number } = {}): ClientCache {
  const ttlMs = options.ttlMs ?? CLIENT_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { payload: AdapterPayload; expires: number }>();
  const loading = new Map<string, { promise: Promise<AdapterPayload | undefined>; generation: number }>();
  // Bumped by every invalidation, so a load that began before a change never caches stale data.
  const generations = new Map<string, number>();
  // When each client last changed; entries older than the TTL are pruned at the next change.
  const changedAt = new Map<string, number>();
  const changedLately = (clientId: string) => (changedAt.get(clientId) ?? -Infinity) > now() - ttlMs;
  return {
    async get(clientId, load) {
      const hit = entries.get(clientId);
      if (hit && hit.expires > now()) return hit.payload;
      if (hit) entries.delete(clientId);
      const generation = generations.get(clientId) ?? 0;
      const pending = loading.get(clientId);
      if (pending && pending.generation === generation) return pending.promise;
      const promise = load(changedLately(clientId)).then((payload) => {
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
      for (const [id, at] of changedAt) if (at <= now() - ttlMs) changedAt.delete(id);
      changedAt.set(clientId, now());
    },
    invalidateAll() {
      for (const clientId of new Set([...entries.keys(), ...loading.keys()])) {
        generations.set(clientId, (generations.get(clientId) ?? 0) + 1);
      }
      entries.clear();
    },
  };
}

/**
 * The client repository, calling `changed` after every write that changes an existing client
 * (the composition root drops it from this instance's cache and announces it to the others).
 * A creation needs neither: misses are never cached, and a replica either lacks a new client
 * (the read falls back to the primary) or has it as created, so its reads stay on the replicas.
 */
export function invalidatingClientRepository(clients: ClientRepository, changed: (clientId: string) => void): ClientRepository {
  return {
    ...clients,
    async update(clientId, changes) {
      try {
        return await clients.update(clientId, changes);
      } finally {
        changed(clientId);
      }
    },
    async delete(clientId) {
      try {
        return await clients.delete(clientId);
      } finally {
        changed(clientId);
      }
    },
  };
}
