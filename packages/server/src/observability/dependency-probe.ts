/**
 * Keeps the dependency gauges current without waiting for someone to call /readyz:
 * - every `intervalMs` (default 2 s) it runs the same checks as /readyz and sets
 *   `portcullis_dependency_up{dependency}` and `portcullis_ready`, so an outage shows in
 *   metrics (and alerts) within seconds, and a recovery as fast;
 * - it reads the replica lag through the reader (`pg_last_xact_replay_timestamp()`; 0 when
 *   the replica has replayed everything it received, since an idle primary makes the
 *   timestamp old without any lag);
 * - pool state is read at scrape time (a collect callback); a store with a connection of its
 *   own registers its gauge itself (stores/).
 * `draining()` true (SIGTERM) makes the instance not ready regardless of its dependencies.
 */
import { sql, type Kysely } from 'kysely';
import { Gauge } from 'prom-client';
import type { Database } from '@portcullis/db';
import { checkReadiness, DEPENDENCY_VALUE } from '../health/readiness.js';
import type { StoreHealth } from '../stores/stores.js';
import type { Metrics } from './metrics.js';
import { METRIC_PREFIX } from './metrics.js';

export interface DependencyProbeDeps {
  db: Database;
  metrics: Metrics;
  /** The stores' health check (stores/stores.ts). */
  store?: StoreHealth;
  draining: () => boolean;
  intervalMs?: number;
}

export function startDependencyProbe(deps: DependencyProbeDeps): { probe(): Promise<void>; stop(): void } {
  const { metrics, db } = deps;
  const registers = [metrics.registry];
  new Gauge({
    name: `${METRIC_PREFIX}db_pool_connections`, help: 'PostgreSQL pool connections by handle and state (total, idle, waiting callers).', labelNames: ['handle', 'state'], registers,
    collect() {
      for (const stats of db.poolStats?.() ?? []) {
        for (const state of ['total', 'idle', 'waiting'] as const) this.set({ handle: stats.handle, state }, stats[state]);
      }
    },
  });

  const probe = async () => {
    const { ready, checks } = await checkReadiness({ db, store: deps.store });
    for (const [dependency, state] of Object.entries(checks)) metrics.dependencyUp.set({ dependency }, DEPENDENCY_VALUE[state]);
    metrics.ready.set(ready && !deps.draining() ? 1 : 0);
    if (db.engine === 'postgres') {
      try {
        const reader = db.reader as unknown as Kysely<unknown>;
        const { rows } = await sql<{ lag: number | string | null }>`select case when not pg_is_in_recovery() or pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0 else extract(epoch from now() - pg_last_xact_replay_timestamp()) end as lag`.execute(reader);
        metrics.replicaLag.set(Number(rows[0]?.lag ?? 0));
      } catch {
        // The reader is down: dependency_up says so; the last lag value would mislead.
        metrics.replicaLag.reset();
      }
    }
  };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void probe().catch(() => undefined).finally(() => (running = false));
  }, deps.intervalMs ?? 2000);
  timer.unref();
  return { probe, stop: () => clearInterval(timer) };
}
