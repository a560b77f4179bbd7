/** Admin API: client registration and management (the CLI's `clients` commands). */
import Router from '@koa/router';
import type { ClientService } from '../clients/client.service.js';

export function clientAdminRoutes(clients: ClientService): Router {
  const router = new Router({ prefix: '/admin/clients' });
  router.get('/', async (ctx) => {
    ctx.body = { clients: await clients.list() };
  });
  router.post('/', async (ctx) => {
    ctx.status = 201;
    ctx.body = await clients.create(ctx.request.body ?? {});
  });
  router.get('/:id', async (ctx) => {
    ctx.body = await clients.get(ctx.params.id!);
  });
  router.patch('/:id', async (ctx) => {
    ctx.body = await clients.update(ctx.params.id!, ctx.request.body ?? {});
  });
  router.delete('/:id', async (ctx) => {
    await clients.delete(ctx.params.id!);
    ctx.status = 204;
  });
  router.post('/:id/rotate-secret', async (ctx) => {
    ctx.body = await clients.rotateSecret(ctx.params.id!);
  });
  return router;
}
