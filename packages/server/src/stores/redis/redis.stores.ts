/**
 * The stores on one Redis shared by every instance (production mode, `REDIS_URL`):
 * - the provider's artefacts in Redis (redis.adapter.ts), tokens and codes read together with
 *   their grant, which waits in a per-request memo (grant-prefetch.ts) run around the
 *   provider's routes;
 * - sessions and grants listed through the adapter's sorted sets;
 * - rate-limit counters in Redis (redis.counters.ts);
 * - a change feed over Redis pub/sub (change-feed.ts), opened when the instance starts
 *   listening; until then there is nothing to announce to;
 * - `redis` in /readyz and `portcullis_dependency_up`, and `portcullis_redis_connected`
 *   read at scrape time.
 * The start fails when Redis cannot be reached (redis.client.ts).
 */
import { Gauge } from 'prom-client';
import type { Logger } from '../../observability/logger.js';
import { METRIC_PREFIX, type Metrics } from '../../observability/metrics.js';
import type { StoreImplementation } from '../stores.js';
import { openChangeFeed, type RedisChangeFeed } from './change-feed.js';
import { createGrantPrefetch } from './grant-prefetch.js';
import { connectRedis } from './redis.client.js';
import { createRedisAdapterClass, listGrantIdsByClient, listIdsByAccount } from './redis.adapter.js';
import { redisCounters } from './redis.counters.js';

export async function openRedisStores(url: string, deps: { timeoutMs: number; logger: Logger; metrics: Metrics }): Promise<StoreImplementation> {
  const connection = await connectRedis(url, { timeoutMs: deps.timeoutMs, logger: deps.logger });
  const { client } = connection;
  new Gauge({
    name: `${METRIC_PREFIX}redis_connected`, help: '1 while the Redis connection is ready, 0 while it reconnects.', registers: [deps.metrics.registry],
    collect() {
      this.set(client.status === 'ready' ? 1 : 0);
    },
  });
  const prefetch = createGrantPrefetch();
  const RedisAdapter = createRedisAdapterClass(client, { prefetch });
  let feed: RedisChangeFeed | undefined;

  return {
    name: 'redis',
    metricsBackend: 'redis',
    dependency: 'redis',
    ping: connection.ping,
    adapter: (model) => new RedisAdapter(model),
    sessionIndex: {
      listIdsByAccount: (model, accountId) => listIdsByAccount(client, model, accountId),
      listGrantIdsByClient: (clientId) => listGrantIdsByClient(client, clientId),
    },
    counters: redisCounters(client),
    changeFeed: {
      publish: async (change) => feed?.publish(change),
      async listen(handlers) {
        feed = await openChangeFeed(client, { logger: deps.logger, ...handlers });
      },
    },
    providerMiddleware: [prefetch.middleware],
    async close() {
      await feed?.close();
      await connection.close();
    },
  };
}
