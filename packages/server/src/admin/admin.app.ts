/**
 * The admin listener (ADMIN_HOST:ADMIN_PORT, loopback by default): the API the CLI talks to,
 * behind a bearer token, plus unauthenticated liveness (/healthz) and readiness (/readyz) probes.
 * Never exposed on the public port.
 */
import Koa from 'koa';
import Router from '@koa/router';
import type { Database } from '@portcullis/db';
import type { Logger } from '../observability/logger.js';
import { errorHandler } from '../http/error-handler.js';
import { requestId } from '../http/request-id.js';
import { logAppErrors } from '../http/app-errors-logged.js';
import type { ClientService } from '../clients/client.service.js';
import type { SigningKeysService } from '../keys/signing-keys.service.js';
import type { KeyRotation } from '../keys/key-rotation.service.js';
import { requireAdminToken } from './admin-auth.js';
import { jsonBody } from './json-body.js';
import { clientAdminRoutes } from './clients.routes.js';
import { resourceAdminRoutes } from './resources.routes.js';
import type { ResourceService } from '../resources/resource.service.js';
import { registrationTokenAdminRoutes } from './registration-tokens.routes.js';
import type { RegistrationTokensService } from '../clients/registration-tokens.service.js';
import { userAdminRoutes } from './users.routes.js';
import { userLifecycleRoutes } from './user-lifecycle.routes.js';
import type { AccountLifecycle } from '../accounts/account-lifecycle.service.js';
import type { ResealService } from '../keys/reseal.service.js';
import { systemAdminRoutes } from './system.routes.js';
import { brandingAdminRoutes } from './branding.routes.js';
import type { BrandingService } from '../branding/branding.service.js';
import { readinessRoutes } from './readiness.routes.js';
import type { AuditService } from '../audit/audit.service.js';
import { auditAdminRoutes } from '../audit/audit.routes.js';
import type { UsersService } from '../accounts/users.service.js';
import type { ConnectedApps } from '../consents/connected-apps.service.js';
import type { Middleware } from 'koa';
import { PORTCULLIS_VERSION } from '@portcullis/contract';
import type { Metrics } from '../observability/metrics.js';
import { metricsRoutes } from '../observability/metrics.routes.js';
import type { StoreHealth } from '../stores/stores.js';

export interface AdminDeps {
  adminToken: string;
  logger: Logger;
  clients: ClientService;
  /** Resource servers (RFC 8707): `portcullis resources ...`. */
  resources?: ResourceService;
  /** Initial access tokens for dynamic client registration (`clients registration-token`). */
  registrationTokens: RegistrationTokensService;
  /** Users: lookups, disable/enable, sessions, unlock (accounts/users.service.ts). */
  users: UsersService;
  keys: SigningKeysService;
  /** `keys rotate`: store, rebuild this instance's provider, audit (keys/key-rotation.service.ts). */
  rotation: KeyRotation;
  db: Database;
  /** Re-encrypts everything sealed at rest with the newest encryption key. */
  reseal: ResealService;
  /** Client changes and key rotations are audited; GET /admin/audit reads the log. */
  audit: AuditService;
  /** Users' remembered consents ("Connected apps"): listed and withdrawn. */
  connectedApps: ConnectedApps;
  /** Create, invite, reset password or MFA, verify, export, delete (accounts/account-lifecycle.service.ts). */
  lifecycle: AccountLifecycle;
  /** `branding show|set|reset`: validated, stored and audited by the service. */
  branding: BrandingService;
  /** The stores' health check for /readyz (stores/stores.ts). */
  store?: StoreHealth;
  /** Served at GET /metrics (no token, like the probes); absent: no /metrics. */
  metrics?: Metrics;
  /** The request log and metrics middleware (observability/), outermost. */
  observe?: Middleware;
  /** True once SIGTERM arrived: /readyz answers 503 so traffic drains away. */
  draining?: () => boolean;
}

export function createAdminApp(deps: AdminDeps): Koa {
  const app = new Koa();
  logAppErrors(app, deps.logger, 'admin');
  const open = new Router();
  open.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok', version: PORTCULLIS_VERSION };
  });
  const routers = [clientAdminRoutes(deps.clients), registrationTokenAdminRoutes(deps.registrationTokens), userAdminRoutes(deps), userLifecycleRoutes(deps), systemAdminRoutes(deps), auditAdminRoutes(deps), brandingAdminRoutes(deps), ...(deps.resources ? [resourceAdminRoutes(deps.resources)] : [])];
  if (deps.observe) app.use(deps.observe);
  app.use(requestId());
  app.use(errorHandler(deps.logger, 'json'));
  app.use(open.routes());
  app.use(readinessRoutes({ db: deps.db, store: deps.store, draining: deps.draining, metrics: deps.metrics }).routes());
  if (deps.metrics) app.use(metricsRoutes(deps.metrics).routes());
  app.use(requireAdminToken(deps.adminToken));
  app.use(jsonBody());
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  return app;
}
