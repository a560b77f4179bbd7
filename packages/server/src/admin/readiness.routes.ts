/**
 * `GET /readyz` on the admin listener (no token, like /healthz): can this instance serve now?
 * - primary: `select 1` on the primary; without it nothing works.
 * - reader: `select 1` on the reader itself. When it fails but the primary answers, reads
 *   are falling back to the primary: `fallback`, still ready (slower, not broken).
 * - redis (when configured): PING; OIDC artefacts live there.
 * Each check has its own 1 s limit and they run in parallel, so the answer comes within about
 * a second even when everything hangs. 200 `ready` or 503 `not_ready`, with every check named.
 * `/healthz` stays a pure liveness check: a dependency outage must not get instances killed.
 */
import Router from '@koa/router';
import type { Database } from '@portcullis/db';
import type { Metrics } from '../observability/metrics.js';

export const READINESS_CHECK_TIMEOUT_MS = 1000;

type CheckResult = 'ok' | 'fallback' | 'failed';

/** `portcullis_dependency_up`: 1 ok, 0.5 serving through the primary fallback, 0 failed. */
export const DEPENDENCY_VALUE: Record<CheckResult, number> = { ok: 1, fallback: 0.5, failed: 0 };

export interface ReadinessDeps {
  db: Pick<Database, 'probe'>;
  /** PING Redis; absent when OIDC artefacts stay in PostgreSQL. */
  pingRedis?: () => Promise<void>;
  /** True once SIGTERM arrived: not ready, whatever the dependencies say. */
  draining?: () => boolean;
  /** Each answer also sets the readiness gauges, so metrics match what /readyz said last. */
  metrics?: Pick<Metrics, 'ready' | 'dependencyUp'>;
}

async function passes(check: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(deps: ReadinessDeps): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
  const [primary, reader, redis] = await Promise.all([
    passes(() => deps.db.probe('primary')),
    passes(() => deps.db.probe('reader')),
    deps.pingRedis ? passes(deps.pingRedis) : Promise.resolve(undefined),
  ]);
  const checks: Record<string, CheckResult> = {
    primary: primary ? 'ok' : 'failed',
    reader: reader ? 'ok' : primary ? 'fallback' : 'failed',
    ...(redis !== undefined && { redis: redis ? 'ok' : 'failed' }),
  };
  return { ready: primary && redis !== false, checks };
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
