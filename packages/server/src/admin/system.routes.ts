/**
 * Admin API: signing keys and migrations. A key rotation is applied to this instance at once;
 * other instances reload at once when they share a Redis (the stores' change feed, stores/), and on their
 * next key poll (30 s) otherwise.
 */
import Router from '@koa/router';
import type { Database } from '@portcullis/db';
import { migrateToLatest, migrationStatus } from '@portcullis/db';
import type { MigrateResult } from '@portcullis/contract';
import type { SigningKeysService } from '../keys/signing-keys.service.js';
import type { KeyRotation } from '../keys/key-rotation.service.js';
import type { ResealService } from '../keys/reseal.service.js';
import { requestMeta } from '../audit/audit.service.js';

export function systemAdminRoutes(deps: { keys: SigningKeysService; rotation: KeyRotation; reseal: ResealService; db: Database }): Router {
  const router = new Router({ prefix: '/admin' });
  router.get('/keys', async (ctx) => {
    ctx.body = { keys: await deps.keys.list() };
  });
  router.post('/keys/rotate', async (ctx) => {
    ctx.body = { keys: await deps.rotation.rotate(requestMeta(ctx)) };
  });
  // Everything sealed at rest onto the newest ENCRYPTION_KEYS key (docs/operations.md).
  router.post('/keys/reseal', async (ctx) => {
    ctx.body = await deps.reseal.reseal(requestMeta(ctx));
  });
  router.post('/db/migrate', async (ctx) => {
    const report = await migrateToLatest(deps.db);
    const status = await migrationStatus(deps.db);
    ctx.body = { applied: report.applied, migrations: status.map((m) => ({ name: m.name, executed_at: m.executedAt?.toISOString() ?? null })) } satisfies MigrateResult;
  });
  return router;
}
