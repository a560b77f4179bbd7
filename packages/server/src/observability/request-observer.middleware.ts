/**
 * Outermost middleware of each listener: one log line and one metrics sample per request.
 * - The route is a template: our routers' `_matchedRoute`, a fixed path a middleware answered
 *   itself names in `ctx.state.route`, the provider's route name (`ctx.oidc.route`: `token`,
 *   `authorization`, …), `/assets/:file`; anything else is
 *   `unmatched`, so a scanner probing random paths cannot grow the label set.
 * - The line holds method, route, status, duration, request id, W3C trace id, client id and
 *   account id: never the path's query, a header value, a cookie or a body.
 * - 429 answers are also counted as rate-limit rejections, wherever they came from.
 */
import type { Context, Middleware } from 'koa';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { RequestContext, RequestFacts } from './request-context.js';
import { traceIdOf } from './trace-context.js';
import { requestIdOf } from '../http/request-state.js';
import { interactionPaths } from '../interactions/paths.js';

interface OidcFacts {
  route?: string;
  client?: { clientId?: string };
  session?: { accountId?: string };
  account?: { accountId?: string };
}

/** The consent page's two answers; the provider has no event that tells them apart. */
const CONSENT_ROUTES: Record<string, string> = { [interactionPaths(':uid').consent]: 'granted', [interactionPaths(':uid').deny]: 'denied' };

export function routeOf(ctx: Context): string {
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string') return matched;
  // Answered by a middleware before any router ran (the precomputed discovery and JWKS).
  const named = (ctx.state as { route?: unknown }).route;
  if (typeof named === 'string') return named;
  const oidc = (ctx as { oidc?: OidcFacts }).oidc;
  if (oidc?.route) return oidc.route;
  if (ctx.path.startsWith('/assets/') && ctx.status < 400) return '/assets/:file';
  return 'unmatched';
}

function factsOf(ctx: Context, noted: RequestFacts): RequestFacts {
  const oidc = (ctx as { oidc?: OidcFacts }).oidc;
  return {
    clientId: noted.clientId ?? oidc?.client?.clientId,
    accountId: noted.accountId ?? oidc?.session?.accountId ?? oidc?.account?.accountId,
  };
}

export function observeRequests(deps: { listener: 'public' | 'admin'; logger: Logger; metrics: Metrics; context: RequestContext }): Middleware {
  const { listener, logger, metrics } = deps;
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const noted: RequestFacts = {};
    const traceId = traceIdOf(ctx.get('traceparent') || undefined);
    metrics.http.inFlight.inc({ listener });
    let failed: unknown;
    try {
      await deps.context.run(noted, next);
    } catch (error) {
      failed = error;
      throw error;
    } finally {
      metrics.http.inFlight.dec({ listener });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // A throw that escapes every handler becomes Koa's 500 after this middleware.
      // A handler that wrote the response itself (`ctx.respond = false`, the provider's
      // interactionFinished) leaves Koa's status at its 404 default; the socket's is the truth.
      const status = failed ? ((failed as { status?: number }).status ?? 500) : ctx.respond === false ? ctx.res.statusCode : ctx.status;
      const route = routeOf(ctx);
      const labels = { listener, method: ctx.method, route, status: String(status) };
      metrics.http.requests.inc(labels);
      metrics.http.duration.observe(labels, seconds);
      if (status === 429) metrics.accounts.rateLimited.inc({ route });
      const consent = ctx.method === 'POST' && status < 400 ? CONSENT_ROUTES[route] : undefined;
      if (consent) metrics.oidc.consents.inc({ outcome: consent });
      const { clientId, accountId } = factsOf(ctx, noted);
      const level = status >= 500 ? 'error' : 'info';
      // The metrics scrape is every few seconds per Prometheus; it is not worth a line each.
      if (!(listener === 'admin' && route === '/metrics' && status === 200)) {
        logger.log(level, 'request', {
          kind: 'request',
          listener,
          requestId: requestIdOf(ctx),
          traceId,
          method: ctx.method,
          route,
          status,
          durationMs: Math.round(seconds * 1e4) / 10,
          clientId,
          accountId,
        });
      }
    }
  };
}
