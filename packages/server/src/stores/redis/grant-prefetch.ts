/**
 * Grants read ahead together with the token or code that names them, kept for the rest of
 * one request. On every token, introspection and userinfo request the provider reads a token
 * and then, as a second round trip, its grant; the Redis adapter reads both in one script
 * (redis.scripts.ts, FIND_WITH_GRANT) and leaves the grant here for the Grant lookup that
 * follows. That took one of two Redis round trips out of an introspection (docs/benchmarks.md).
 * - Per request: the memo lives in the request's async context (the middleware runs around
 *   the provider's routes), so nothing crosses from one request to another.
 * - Taken once: the first lookup of a grant gets the read-ahead copy, any later one in the same
 *   request (after the provider saved the grant, say) reads Redis again.
 * - Same snapshot: token and grant were read atomically, so a grant revoked a moment later is
 *   seen exactly as if the request had come a moment earlier.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Middleware } from 'koa';
import type { AdapterPayload } from 'oidc-provider';

export interface GrantPrefetch {
  /** Gives each request its own memo; runs around the provider's routes. */
  middleware: Middleware;
  remember(grantId: string, payload: AdapterPayload): void;
  /** The read-ahead copy, removed as it is handed out; undefined outside a request. */
  take(grantId: string): AdapterPayload | undefined;
}

export function createGrantPrefetch(): GrantPrefetch {
  const storage = new AsyncLocalStorage<Map<string, AdapterPayload>>();
  return {
    middleware: (_ctx, next) => storage.run(new Map(), next),
    remember(grantId, payload) {
      storage.getStore()?.set(grantId, payload);
    },
    take(grantId) {
      const memo = storage.getStore();
      const payload = memo?.get(grantId);
      if (payload) memo!.delete(grantId);
      return payload;
    },
  };
}
