/**
 * `GET /metrics` in Prometheus' text format, on the ADMIN listener only (like /readyz, without
 * the admin token: Prometheus scrapes it from the private network; the public listener never
 * answers it). Client ids in labels are bounded (METRICS_MAX_CLIENT_LABELS).
 */
import Router from '@koa/router';
import type { Metrics } from './metrics.js';

export function metricsRoutes(metrics: Metrics): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
