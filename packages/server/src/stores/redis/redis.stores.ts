/**
 * The stores on one Redis shared by every instance (production mode, `REDIS_URL`, or the
 * primary of `REDIS_SENTINELS`):
 * - the provider's artefacts in Redis (redis.adapter.ts), tokens and codes read together with
 *   their grant, which waits in a per-request memo (grant-prefetch.ts) run around the
 *   provider's routes;
 * - sessions and grants listed through the adapter's sorted sets;
 * - rate-limit counters and short-lived values in Redis (redis.counters.ts, redis.short-term.ts);
 * - a change feed over Redis pub/sub (change-feed.ts), opened when the instance starts
 *   listening; until then there is nothing to announce to;
 * - `redis` in /readyz and `portcullis_dependency_up`, and `portcullis_redis_connected`
 *   read at scrape time.
 * - behind Sentinel: consume and revoke writes wait for a replica (durable-writes.ts), and the
 *   Sentinel metrics (sentinel-metrics.ts).
 * The start fails when Redis cannot be reached (redis.client.ts).
 */
import { Counter, Gauge } from 'prom-client';
import type { Logger } from '../../observability/logger.js';
import { METRIC_PREFIX, type Metrics } from '../../observability/metrics.js';
import type { StoreImplementation } from '../stores.js';
import { openChangeFeed, type RedisChangeFeed } from './change-feed.js';
import { createGrantPrefetch } from './grant-prefetch.js';
import { connectRedis, type RedisConnection, type RedisTarget } from './redis.client.js';
import { durableWrites, type DurableWrites } from './durable-writes.js';
import { watchSentinels } from './sentinel-metrics.js';
import { createRedisAdapterClass, listGrantIdsByClient, listIdsByAccount } from './redis.adapter.js';
import { redisCounters } from './redis.counters.js';
import { redisShortTerm } from './redis.short-term.js';

export async function openRedisStores(target: RedisTarget, deps: { timeoutMs: number; logger: Logger; metrics: Metrics }): Promise<StoreImplementation> {
  const connection = await connectRedis(target, { timeoutMs: deps.timeoutMs, logger: deps.logger });
  const { client } = connection;
  const sentinels = watchSentinels('sentinel' in target ? target.sentinel : undefined, { metrics: deps.metrics, timeoutMs: deps.timeoutMs });
  const onReady = () => sentinels.connectedTo(`${client.stream?.remoteAddress ?? ''}:${client.stream?.remotePort ?? ''}`);
  onReady();
  client.on('ready', onReady);
  // Behind Sentinel there is a replica to wait for; a lone Redis (REDIS_URL) has none.
  let writer: RedisConnection | undefined;
  let durable: DurableWrites | undefined;
  if ('sentinel' in target) {
    writer = await connectRedis(target, { timeoutMs: deps.timeoutMs, logger: deps.logger });
    const unreplicated = new Counter({
      name: `${METRIC_PREFIX}redis_unreplicated_writes_total`, help: 'Consume or revoke writes that no replica acknowledged in time (answered 503).', registers: [deps.metrics.registry],
    });
    durable = durableWrites(writer.client, { replicas: 1, timeoutMs: Math.floor(deps.timeoutMs / 2), onUnreplicated: () => unreplicated.inc() });
  }
  new Gauge({
    name: `${METRIC_PREFIX}redis_connected`, help: '1 while the Redis connection is ready, 0 while it reconnects.', registers: [deps.metrics.registry],
    collect() {
      this.set(client.status === 'ready' ? 1 : 0);
    },
  });
  const prefetch = createGrantPrefetch();
  const RedisAdapter = createRedisAdapterClass(client, { prefetch, ...(durable && { durable }) });
  let feed: RedisChangeFeed | undefined;

  return {
    name: 'redis',
    metricsBackend: 'redis',
    dependency: 'redis',
    // Both connections: a single-use write needs the second one on the primary too.
    ping: async () => {
      await Promise.all([connection.ping(), writer?.ping()]);
    },
    adapter: (model) => new RedisAdapter(model),
    sessionIndex: {
      listIdsByAccount: (model, accountId) => listIdsByAccount(client, model, accountId),
      listGrantIdsByClient: (clientId) => listGrantIdsByClient(client, clientId),
    },
    counters: redisCounters(client),
    shortTerm: redisShortTerm(client),
    changeFeed: {
      publish: async (change) => feed?.publish(change),
      async listen(handlers) {
        feed = await openChangeFeed(client, { logger: deps.logger, ...handlers });
      },
    },
    providerMiddleware: [prefetch.middleware],
    async close() {
      await feed?.close();
      sentinels.close();
      await writer?.close();
      await connection.close();
    },
  };
}
