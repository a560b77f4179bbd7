/**
 * The admin listener (ADMIN_HOST:ADMIN_PORT, loopback by default): the API the CLI talks to,
 * behind a bearer token, plus an unauthenticated liveness probe. Never exposed on the public port.
 */
import Koa from 'koa';
import Router from '@koa/router';
import type { AccountRepository, Database } from '@portcullis/db';
import type { Logger } from '../observability/logger.js';
import { errorHandler } from '../http/error-handler.js';
import { requestId } from '../http/request-id.js';
import { logAppErrors } from '../http/app-errors-logged.js';
import type { ClientService } from '../clients/client.service.js';
import type { SigningKeysService } from '../keys/signing-keys.service.js';
import type { ProviderHolder } from '../oidc/provider.factory.js';
import { requireAdminToken } from './admin-auth.js';
import { jsonBody } from './json-body.js';
import { clientAdminRoutes } from './clients.routes.js';
import { userAdminRoutes } from './users.routes.js';
import { systemAdminRoutes } from './system.routes.js';

export interface AdminDeps {
  adminToken: string;
  logger: Logger;
  clients: ClientService;
  accounts: AccountRepository;
  keys: SigningKeysService;
  holder: ProviderHolder;
  db: Database;
}

export function createAdminApp(deps: AdminDeps): Koa {
  const app = new Koa();
  logAppErrors(app, deps.logger, 'admin');
  const open = new Router();
  open.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  const routers = [clientAdminRoutes(deps.clients), userAdminRoutes(deps.accounts), systemAdminRoutes(deps)];
  app.use(requestId());
  app.use(errorHandler(deps.logger, 'json'));
  app.use(open.routes());
  app.use(requireAdminToken(deps.adminToken));
  app.use(jsonBody());
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  return app;
}
