/**
 * Admin API: initial access tokens for dynamic client registration (the CLI's `clients
 * registration-token` commands). The service validates, stores a hash, audits, and shows the
 * token once, in the answer to create.
 */
import Router from '@koa/router';
import type { RegistrationTokensService } from '../clients/registration-tokens.service.js';
import { requestMeta } from '../audit/audit.service.js';

export function registrationTokenAdminRoutes(tokens: RegistrationTokensService): Router {
  const router = new Router({ prefix: '/admin/registration-tokens' });
  router.get('/', async (ctx) => {
    ctx.body = { tokens: await tokens.list() };
  });
  router.post('/', async (ctx) => {
    ctx.body = await tokens.create(ctx.request.body ?? {}, requestMeta(ctx));
    ctx.status = 201;
  });
  router.delete('/:id', async (ctx) => {
    await tokens.revoke(ctx.params.id!, requestMeta(ctx));
    ctx.status = 204;
  });
  return router;
}
