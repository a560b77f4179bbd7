/**
 * The stores port: everything that depends on where an instance keeps its short-lived state
 * (the provider's artefacts, the rate-limit counters, the announcements between instances).
 * Two implementations today, chosen once by `buildStores` (build-stores.ts):
 * - `postgres/`: the `oidc_payloads` table, counters in memory, no change feed (embedded
 *   mode: one process);
 * - `redis/`: one Redis shared by every instance (production mode).
 * Nothing outside `stores/` knows which one runs: it sees adapters, an index, counters, a feed
 * and a health check. The same cases run against both (stores.conformance.test.ts).
 * Clients are not here: they always stay in SQL (oidc/client.adapter.ts).
 */
import type { Middleware } from 'koa';
import type { Adapter } from 'oidc-provider';
import type { LimiterFactory } from '../limits/attempt-guard.js';
import type { Change } from './change.js';
import type { ShortTerm } from './short-term.js';

export type { Change } from './change.js';

/** Finds an account's sessions and grants, and a client's grants, wherever the store keeps them. */
export interface SessionIndex {
  /** Ids of the live sessions or grants of one account. */
  readonly listIdsByAccount: (model: 'Session' | 'Grant', accountId: string) => Promise<string[]>;
  /** Ids of the live grants of one client, for every account. */
  readonly listGrantIdsByClient: (clientId: string) => Promise<string[]>;
}

export interface ChangeHandlers {
  onChange(change: Change): void;
  /** Announcements may have been lost (the feed reconnected): drop everything cached. */
  onResync(): void;
}

/**
 * Tells the other instances that something they cache changed (a client, the signing keys).
 * A store whose instances never share it (embedded mode) has nothing to tell: both calls do
 * nothing, and each write invalidates the one instance's cache directly.
 */
export interface ChangeFeed {
  /** Announces a change to every listening instance, this one included. Never throws. */
  publish(change: Change): Promise<void>;
  /** Starts listening (once, after there is something to reload); publishing starts with it. */
  listen(handlers: ChangeHandlers): Promise<void>;
}

/** What readiness and the dependency probe ask of the store (health/readiness.ts). */
export interface StoreHealth {
  /**
   * The store's name in `/readyz` and `portcullis_dependency_up` when it is a dependency of its
   * own (`redis`); undefined when it is the primary database, which is checked anyway.
   */
  readonly dependency?: string;
  /** Resolves when the store answers; rejects when it is down or does not answer in time. */
  ping(): Promise<void>;
}

/** What an implementation provides (one folder under stores/). */
export interface StoreImplementation extends StoreHealth {
  /** Which one it is: `postgres`, `redis`. */
  readonly name: string;
  /** The `backend` label of `portcullis_adapter_operation_duration_seconds`. */
  readonly metricsBackend: string;
  /** The bare provider adapter for one model (never Client); buildStores wraps it. */
  readonly adapter: (model: string) => Adapter;
  sessionIndex: SessionIndex;
  /** The rate-limit counters (limits/limits.ts): shared by every instance when the store is. */
  counters: LimiterFactory;
  /** Short-lived values and claims (short-term.ts): shared by every instance when the store is. */
  shortTerm: ShortTerm;
  changeFeed: ChangeFeed;
  /** Runs around the provider's routes (a per-request memo of the store's reads), outermost first. */
  providerMiddleware: Middleware[];
  /** Stops the store's own timers and connections (not the SQL database: the caller owns it). */
  close(): Promise<void>;
}

/** The stores of one instance, as the composition root uses them. */
export interface Stores extends Omit<StoreImplementation, 'adapter'> {
  /**
   * The provider adapter for `model` (every model but Client), ready for the provider: U+0000
   * refused, every call timed, an outage a 503 (protected.adapter.ts).
   */
  readonly payloads: (model: string) => Adapter;
}
