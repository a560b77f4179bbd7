/**
 * Admin API: client registration and management (the CLI's `clients` commands). Routes parse and
 * answer; the client service validates, stores and writes one audit event per change (never the
 * secret). Deleting a client also deletes its consents and revokes its grants with every token.
 */
import Router from '@koa/router';
import type { ClientService } from '../clients/client.service.js';
import { requestMeta } from '../audit/audit.service.js';

export function clientAdminRoutes(clients: ClientService): Router {
  const router = new Router({ prefix: '/admin/clients' });
  router.get('/', async (ctx) => {
    ctx.body = { clients: await clients.list() };
  });
  router.post('/', async (ctx) => {
    ctx.body = await clients.create(ctx.request.body ?? {}, requestMeta(ctx));
    ctx.status = 201;
  });
  router.get('/:id', async (ctx) => {
    ctx.body = await clients.get(ctx.params.id!);
  });
  router.patch('/:id', async (ctx) => {
    ctx.body = await clients.update(ctx.params.id!, ctx.request.body ?? {}, requestMeta(ctx));
  });
  router.delete('/:id', async (ctx) => {
    await clients.delete(ctx.params.id!, requestMeta(ctx));
    ctx.status = 204;
  });
  router.post('/:id/rotate-secret', async (ctx) => {
    ctx.body = await clients.rotateSecret(ctx.params.id!, requestMeta(ctx));
  });
  return router;
}
