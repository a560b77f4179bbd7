/**
 * Admin API: resource servers (the CLI's `resources` commands). The identifier is a URI, so the
 * CLI sends it percent-encoded as one path segment; the router decodes it. The resource service
 * validates, stores, audits and reloads.
 */
import Router from '@koa/router';
import type { ResourceService } from '../resources/resource.service.js';
import { requestMeta } from '../audit/audit.service.js';

export function resourceAdminRoutes(resources: ResourceService): Router {
  const router = new Router({ prefix: '/admin/resources' });
  router.get('/', async (ctx) => {
    ctx.body = { resources: await resources.list() };
  });
  router.post('/', async (ctx) => {
    ctx.body = await resources.create(ctx.request.body ?? {}, requestMeta(ctx));
    ctx.status = 201;
  });
  router.get('/:identifier', async (ctx) => {
    ctx.body = await resources.get(ctx.params.identifier!);
  });
  router.patch('/:identifier', async (ctx) => {
    ctx.body = await resources.update(ctx.params.identifier!, ctx.request.body ?? {}, requestMeta(ctx));
  });
  router.delete('/:identifier', async (ctx) => {
    await resources.delete(ctx.params.identifier!, requestMeta(ctx));
    ctx.status = 204;
  });
  return router;
}
