/**
 * Can this instance serve now? Answered for `GET /readyz` (admin/readiness.routes.ts) and every
 * few seconds for the gauges (observability/dependency-probe.ts), the same way:
 * - primary: `select 1` on the primary; without it nothing works.
 * - reader: `select 1` on the reader itself. When it fails but the primary answers, reads
 *   are falling back to the primary: `fallback`, still ready (slower, not broken).
 * - the store, when it is a dependency of its own (`redis`: PING); OIDC artefacts live there.
 * Each check has its own 1 s limit and they run in parallel, so the answer comes within about
 * a second even when everything hangs.
 */
import type { Database } from '@portcullis/db';
import type { StoreHealth } from '../stores/stores.js';

export const READINESS_CHECK_TIMEOUT_MS = 1000;

export type CheckResult = 'ok' | 'fallback' | 'failed';

/** `portcullis_dependency_up`: 1 ok, 0.5 serving through the primary fallback, 0 failed. */
export const DEPENDENCY_VALUE: Record<CheckResult, number> = { ok: 1, fallback: 0.5, failed: 0 };

export interface ReadinessChecks {
  db: Pick<Database, 'probe'>;
  /** The stores' health check; named in the answer only when the store has a `dependency` name. */
  store?: StoreHealth;
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

export async function checkReadiness(deps: ReadinessChecks): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
  const { store } = deps;
  const name = store?.dependency;
  const [primary, reader, own] = await Promise.all([
    passes(() => deps.db.probe('primary')),
    passes(() => deps.db.probe('reader')),
    store && name !== undefined ? passes(() => store.ping()) : Promise.resolve(undefined),
  ]);
  const checks: Record<string, CheckResult> = {
    primary: primary ? 'ok' : 'failed',
    reader: reader ? 'ok' : primary ? 'fallback' : 'failed',
    ...(name !== undefined && own !== undefined && { [name]: own ? 'ok' : 'failed' }),
  };
  return { ready: primary && own !== false, checks };
}
