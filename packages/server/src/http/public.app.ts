/**
 * The public listener: our feature modules (assets, interactions, account page, demo) in front of
 * the provider's routes. Order matters: request id → security headers → our modules, in the order
 * given (with their error handler) → provider. A path is ours when it is `/` or falls under a
 * module's prefix; everything else goes to the provider. The provider renders its own errors
 * (through our views); ours go through AppError.
 */
import Koa from 'koa';
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import mount from 'koa-mount';
import type { Logger } from '../observability/logger.js';
import type { ProviderHolder } from '../oidc/provider.factory.js';
import { offlineAccessImpliesConsent } from '../oidc/offline-access.js';
import { providerDocuments } from '../oidc/provider-documents.js';
import { discoveryOidcScopes } from '../oidc/api-scopes.js';
import type { FeatureModule } from './feature-module.js';
import { sendPage } from './render.js';
import { logAppErrors } from './app-errors-logged.js';
import { errorHandler, errorPage, RETRY_AFTER_SECONDS } from './error-handler.js';
import { AppError } from './app-error.js';
import { requestId } from './request-id.js';
import { issuerOrigin } from './issuer-origin.js';
import { canonicalHost } from './canonical-host.js';
import { authorizationPostAsGet } from './authorization-post.js';
import { securityHeaders } from './security-headers.js';
import type { Limits } from '../limits/limits.js';
import { tokenEndpointLimit } from '../limits/rate-limit.middleware.js';
import { pushedRequestBodyLimit } from './pushed-request-body.js';
import { PAR_PATH } from '../oidc/par.js';
import type { BrandingService } from '../branding/branding.service.js';
import { discoveryBranding, discoveryBrandingKey } from '../branding/discovery-branding.js';
import { isMachinePath, pageContext } from './page-context.js';

/** The provider's authorization endpoint (its default route). */
const AUTHORIZATION_PATH = '/auth';
/**
 * The provider's routes a browser opens as pages (authorization and its resume, logout, the
 * device flow's `/device` and its resume); the rest, `/device/auth` included, are machine endpoints.
 */
const PROVIDER_PAGES = [AUTHORIZATION_PATH, '/session/end', '/device'];

export interface PublicAppDeps {
  issuer: string;
  trustProxy: boolean;
  cookieKeys: string[];
  logger: Logger;
  holder: ProviderHolder;
  /** Our features, mounted in this order; their prefixes are the paths the provider never sees. */
  modules: FeatureModule[];
  /** The token endpoint's limit on failed client authentications wraps the provider's `/token`. */
  limits: Limits;
  /** The request log and metrics middleware (observability/), outermost. */
  observe?: Middleware;
  /** What pages and discovery show of the operator (branding/). */
  branding: Pick<BrandingService, 'current'>;
}

export function createPublicApp(deps: PublicAppDeps): Koa {
  const app = new Koa();
  app.proxy = deps.trustProxy;
  app.keys = deps.cookieKeys;
  logAppErrors(app, deps.logger, 'public');
  const ours = compose([errorHandler(deps.logger, 'html'), ...deps.modules.map((module) => module.routes)]);
  const ownPrefixes = deps.modules.map((module) => module.prefix);
  const postedAuthorization = compose([errorHandler(deps.logger, 'html'), authorizationPostAsGet(AUTHORIZATION_PATH)]);
  const isOurs = (path: string) => path === '/' || ownPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

  // A provider rebuilt after a key rotation gets its own mount; cache it per instance.
  let mounted: { provider: unknown; middleware: Middleware } | undefined;
  const provider: Middleware = (ctx, next) => {
    const current = deps.holder.current();
    if (mounted?.provider !== current) mounted = { provider: current, middleware: mount(current as never) as Middleware };
    return mounted.middleware(ctx, next) as Promise<void>;
  };

  if (deps.observe) app.use(deps.observe);
  app.use(requestId());
  // Every absolute URL the provider builds takes the issuer's origin, never the Host header's.
  app.use(issuerOrigin(deps.issuer));
  app.use(securityHeaders({ https: deps.issuer.startsWith('https://') }));
  // The request's language and branding, for every page (ours and the provider's).
  app.use(pageContext({ branding: deps.branding, needsBranding: (path) => !isMachinePath(path) }));
  // Pages answer at the issuer's address only: a foreign host is sent there before a flow starts.
  app.use(canonicalHost(deps.issuer, (path) => (isOurs(path) && !path.startsWith('/assets/')) || (!isMachinePath(path) && PROVIDER_PAGES.some((page) => path === page || path.startsWith(`${page}/`)))));
  app.use(tokenEndpointLimit(deps.limits));
  app.use(pushedRequestBodyLimit(PAR_PATH));
  // Discovery and JWKS from the provider's own bodies, kept per provider instance.
  app.use(providerDocuments({ issuer: deps.issuer, current: () => deps.holder.current(), variant: discoveryBrandingKey }));
  app.use(discoveryBranding());
  // Inside the cache above: discovery lists the OpenID Connect scopes only (oidc/api-scopes.ts).
  app.use(discoveryOidcScopes());
  // OpenID Connect Core §3.1.2.1: a POSTed authorization request becomes the same request as GET.
  app.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === AUTHORIZATION_PATH) await postedAuthorization(ctx, next);
    else await next();
  });
  app.use(offlineAccessImpliesConsent(AUTHORIZATION_PATH));
  app.use(async (ctx, next) => {
    if (isOurs(ctx.path)) {
      await ours(ctx, next);
      return;
    }
    await provider(ctx, next);
    // The provider answers a storage outage with 503 (UnavailableError's statusCode) but knows
    // nothing of Retry-After; our own routes send the same through the error handler.
    if (ctx.status === 503) ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
    // Paths neither we nor the provider know get our 404 page, not a bare "Not Found".
    if (ctx.status === 404 && (ctx.body === undefined || ctx.body === null)) {
      sendPage(ctx, 404, errorPage(ctx, new AppError('request.not_found')));
    }
  });
  return app;
}
