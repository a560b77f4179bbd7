import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '@portcullis/db';
import { createMetrics } from './metrics.js';
import { startDependencyProbe } from './dependency-probe.js';

const value = async (metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string> = {}) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
};

describe('dependency probe', () => {
  it('flips the dependency and readiness gauges within one interval of an outage, and back', async () => {
    let redisUp = true;
    const db = { engine: 'pglite', probe: () => Promise.resolve(), poolStats: () => [{ handle: 'primary', total: 3, idle: 2, waiting: 0 }] } as unknown as Database;
    const metrics = createMetrics({ maxClientLabels: 5, processMetrics: false });
    let draining = false;
    const probe = startDependencyProbe({ db, metrics, store: { dependency: 'redis', ping: () => (redisUp ? Promise.resolve() : Promise.reject(new Error('down'))) }, draining: () => draining, intervalMs: 50 });
    try {
      await probe.probe();
      assert.equal(await value(metrics, 'portcullis_dependency_up', { dependency: 'redis' }), 1);
      assert.equal(await value(metrics, 'portcullis_ready'), 1);
      assert.equal(await value(metrics, 'portcullis_db_pool_connections', { handle: 'primary', state: 'idle' }), 2);
      redisUp = false;
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(await value(metrics, 'portcullis_dependency_up', { dependency: 'redis' }), 0);
      assert.equal(await value(metrics, 'portcullis_ready'), 0);
      redisUp = true;
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(await value(metrics, 'portcullis_ready'), 1);
      draining = true;
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(await value(metrics, 'portcullis_ready'), 0, 'not ready while draining, dependencies fine');
    } finally {
      probe.stop();
    }
  });

  it('labels only the first clients and folds the rest into `other`', () => {
    const metrics = createMetrics({ maxClientLabels: 2, processMetrics: false });
    assert.deepEqual(['a', 'b', 'c', 'a', undefined].map((id) => metrics.clientLabel(id)), ['a', 'b', 'other', 'a', 'none']);
  });
});
