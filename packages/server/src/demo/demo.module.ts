/**
 * The demo (embedded mode only) as a feature of the public listener: registers its client, then
 * answers under `/demo` (and redirects `/` there, a path the public app always keeps for itself).
 */
import type { ClientService } from '../clients/client.service.js';
import type { Logger } from '../observability/logger.js';
import { routerModule, type FeatureModule } from '../http/feature-module.js';
import { DEMO_CLIENT_ID, registerDemoClient } from './demo-client.js';
import { createOwnRelyingParty, type OwnIssuerFetch } from '../oidc/own-issuer.js';
import { demoRoutes } from './demo.routes.js';

export async function createDemoModule(deps: { issuer: string; clients: ClientService; logger: Logger; ownFetch: OwnIssuerFetch }): Promise<FeatureModule> {
  await registerDemoClient(deps.clients, deps.issuer);
  return routerModule('/demo', demoRoutes({ issuer: deps.issuer, rp: createOwnRelyingParty({ issuer: deps.issuer, clientId: DEMO_CLIENT_ID, ownFetch: deps.ownFetch, logger: deps.logger }), logger: deps.logger }));
}
