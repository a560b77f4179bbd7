/**
 * What this instance sees of Redis failover, for Prometheus (alerts in
 * deploy/prometheus/rules/portcullis-redis-alerts.yml, runbook in docs/operations.md):
 * - `portcullis_redis_sentinel_quorum_ok`: 1 when a Sentinel this instance can reach answers
 *   `SENTINEL CKQUORUM` with OK (enough Sentinels see each other to elect a leader and
 *   promote a replica), 0 when none can. Asked at scrape time, of every Sentinel at once; the
 *   first OK wins.
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
      // All Sentinels are asked at once and the first OK wins: one after the other, every
      // Sentinel that is down would add its whole timeout to the scrape.
      async collect() {
        const ok = await Promise.any(
          clients.map(async (client) => {
            const answer = await client.call('SENTINEL', 'CKQUORUM', sentinel.name);
            if (typeof answer === 'string' && answer.startsWith('OK')) return true;
            throw new Error('no quorum');
          }),
        ).catch(() => false);
        this.set(ok ? 1 : 0);
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
