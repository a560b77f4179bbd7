/**
 * The one place that decides where an instance keeps its provider artefacts, counters and
 * change feed: the first registered store whose configuration is present, so the order is the
 * preference. Adding a store is a folder beside `postgres/` and `redis/` that returns a
 * `StoreImplementation` (stores.ts), plus one line in `STORES`; stores.conformance.test.ts then
 * refuses to type-check until the new store runs the shared cases too.
 * Every adapter handed out is wrapped here, the same way for every store (protected.adapter.ts).
 */
import type { Config } from '@portcullis/config';
import type { Database } from '@portcullis/db';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { protectAdapter } from './protected.adapter.js';
import { openPostgresStores } from './postgres/postgres.stores.js';
import { openRedisStores } from './redis/redis.stores.js';
import type { StoreImplementation, Stores } from './stores.js';

export type StoresConfig = Pick<Config, 'redisUrl' | 'redisTimeoutMs'> & Partial<Pick<Config, 'redisSentinel'>>;

export interface StoresDeps {
  /** The SQL database (its owner closes it; the PostgreSQL store only uses it). */
  db: Database;
  logger: Logger;
  metrics: Metrics;
}

interface Registration {
  /** Opens the store when the configuration asks for it; undefined when it does not. */
  open(config: StoresConfig, deps: StoresDeps): Promise<StoreImplementation> | undefined;
}

/** Registered stores, in order of preference; the last one always applies. */
export const STORES = {
  redis: {
    open(config, deps) {
      const target = config.redisSentinel ? { sentinel: config.redisSentinel } : config.redisUrl ? { url: config.redisUrl } : undefined;
      return target && openRedisStores(target, { timeoutMs: config.redisTimeoutMs, ...deps });
    },
  },
  postgres: { open: (_config, deps) => Promise.resolve(openPostgresStores(deps)) },
} satisfies Record<string, Registration>;

export type StoreName = keyof typeof STORES;

export async function buildStores(config: StoresConfig, deps: StoresDeps): Promise<Stores> {
  let store: StoreImplementation | undefined;
  for (const registration of Object.values(STORES) as Registration[]) {
    store = await registration.open(config, deps);
    if (store) break;
  }
  if (!store) throw new Error('no store applies to this configuration');
  const { adapter, ...rest } = store;
  const { metrics } = deps;
  const backend = store.metricsBackend;
  return { ...rest, payloads: (model) => protectAdapter(adapter(model), { metrics, backend, model }) };
}
