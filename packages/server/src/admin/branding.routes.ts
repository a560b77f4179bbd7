/**
 * Admin API: branding (`portcullis branding show|set|reset`). The service validates, stores and
 * audits; a bad field is a 400 naming it.
 */
import Router from '@koa/router';
import { requestMeta } from '../audit/audit.service.js';
import type { BrandingService } from '../branding/branding.service.js';

export function brandingAdminRoutes(deps: { branding: BrandingService }): Router {
  const router = new Router({ prefix: '/admin' });
  router.get('/branding', async (ctx) => {
    ctx.body = await deps.branding.view();
  });
  router.patch('/branding', async (ctx) => {
    ctx.body = await deps.branding.set(ctx.request.body, requestMeta(ctx));
  });
  router.delete('/branding', async (ctx) => {
    ctx.body = await deps.branding.reset(requestMeta(ctx));
  });
  return router;
}
