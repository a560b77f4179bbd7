/**
 * What this instance sees of Redis failover, for Prometheus (alerts in
 * deploy/prometheus/rules/portcullis-redis-alerts.yml, runbook in docs/operations.md):
 * - `portcullis_redis_sentinel_quorum_ok`: 1 when a Sentinel this instance can reach answers
 *   `SENTINEL CKQUORUM` with OK (enough Sentinels see each other to elect a leader and
 *   promote a replica), 0 when none can. Asked at scrape time, the first that answers wins.
 * - `portcullis_redis_primary_changes_total`: counts reconnects to a Redis primary at another
 *   address than the last one (a failover this instance followed).
 * The app exports these itself: Debian's redis exporter would be one more process per node to
 * run and scrape, and the instance's own view is the one that matters for its requests.
 */
import { Redis } from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import type { RedisSentinelConfig } from '@portcullis/config';
import { METRIC_PREFIX, type Metrics } from '../../observability/metrics.js';

export interface SentinelWatch {
  /** Call on every `ready` of the main connection with the address it reached. */
  connectedTo(address: string): void;
  close(): void;
}

export function watchSentinels(sentinel: RedisSentinelConfig | undefined, deps: { metrics: Metrics; timeoutMs: number }): SentinelWatch {
  const changes = new Counter({
    name: `${METRIC_PREFIX}redis_primary_changes_total`,
    help: 'Reconnects to a Redis primary at a new address (failovers this instance followed).',
    registers: [deps.metrics.registry],
  });
  let last: string | undefined;
  const clients = (sentinel?.sentinels ?? []).map(
    ({ host, port }) => new Redis({ host, port, lazyConnect: true, connectTimeout: deps.timeoutMs, commandTimeout: deps.timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => 1000 }),
  );
  for (const client of clients) client.on('error', () => undefined); // down Sentinels show as quorum 0, not as log noise
  if (sentinel) {
    new Gauge({
      name: `${METRIC_PREFIX}redis_sentinel_quorum_ok`,
      help: '1 when a reachable Sentinel reports that a failover can be authorised (SENTINEL CKQUORUM), else 0.',
      registers: [deps.metrics.registry],
      async collect() {
        for (const client of clients) {
          const answer = await client.call('SENTINEL', 'CKQUORUM', sentinel.name).catch(() => undefined);
          if (typeof answer === 'string' && answer.startsWith('OK')) return this.set(1);
        }
        this.set(0);
      },
    });
  }
  return {
    connectedTo(address) {
      if (last !== undefined && last !== address) changes.inc();
      last = address;
    },
    close() {
      for (const client of clients) client.disconnect();
    },
  };
}
