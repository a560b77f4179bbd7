/**
 * `GET /readyz` on the admin listener (no token, like /healthz): can this instance serve now?
 * The checks are health/readiness.ts; 200 `ready` or 503 `not_ready`, with every check named.
 * `/healthz` stays a pure liveness check: a dependency outage must not get instances killed.
 */
import Router from '@koa/router';
import type { Metrics } from '../observability/metrics.js';
import { checkReadiness, DEPENDENCY_VALUE, type ReadinessChecks } from '../health/readiness.js';

export interface ReadinessDeps extends ReadinessChecks {
  /** True once SIGTERM arrived: not ready, whatever the dependencies say. */
  draining?: () => boolean;
  /** Each answer also sets the readiness gauges, so metrics match what /readyz said last. */
  metrics?: Pick<Metrics, 'ready' | 'dependencyUp'>;
}

export function readinessRoutes(deps: ReadinessDeps): Router {
  const router = new Router();
  router.get('/readyz', async (ctx) => {
    const checked = await checkReadiness(deps);
    const { checks } = checked;
    const ready = checked.ready && !(deps.draining?.() ?? false);
    deps.metrics?.ready.set(ready ? 1 : 0);
    for (const [dependency, state] of Object.entries(checks)) deps.metrics?.dependencyUp.set({ dependency }, DEPENDENCY_VALUE[state]);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks, ...(deps.draining?.() && { draining: true }) };
  });
  return router;
}
