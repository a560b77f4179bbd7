/**
 * Admin API: client registration and management (the CLI's `clients` commands). Each change
 * that succeeds writes one audit event (never the secret). Deleting a client also deletes its
 * consents and revokes its grants with every token (clients/client.service.ts).
 */
import Router from '@koa/router';
import type { ClientService } from '../clients/client.service.js';
import type { AuditService } from '../audit/audit.service.js';
import { requestMeta } from '../audit/audit.service.js';

export function clientAdminRoutes(clients: ClientService, audit: AuditService): Router {
  const router = new Router({ prefix: '/admin/clients' });
  router.get('/', async (ctx) => {
    ctx.body = { clients: await clients.list() };
  });
  router.post('/', async (ctx) => {
    const created = await clients.create(ctx.request.body ?? {});
    await audit.record({ type: 'client.created', clientId: created.client_id, detail: { client_name: created.client_name, first_party: created.first_party, resource_server: created.resource_server } }, requestMeta(ctx));
    ctx.status = 201;
    ctx.body = created;
  });
  router.get('/:id', async (ctx) => {
    ctx.body = await clients.get(ctx.params.id!);
  });
  router.patch('/:id', async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const updated = await clients.update(ctx.params.id!, body);
    await audit.record({ type: 'client.updated', clientId: updated.client_id, detail: { fields: Object.keys(body).sort().slice(0, 50) } }, requestMeta(ctx));
    ctx.body = updated;
  });
  router.delete('/:id', async (ctx) => {
    const { grantsRevoked } = await clients.delete(ctx.params.id!);
    await audit.record({ type: 'client.deleted', clientId: ctx.params.id!, detail: { grants_revoked: grantsRevoked } }, requestMeta(ctx));
    ctx.status = 204;
  });
  router.post('/:id/rotate-secret', async (ctx) => {
    const rotated = await clients.rotateSecret(ctx.params.id!);
    await audit.record({ type: 'client.secret_rotated', clientId: rotated.client_id }, requestMeta(ctx));
    ctx.body = rotated;
  });
  return router;
}
