/**
 * The limits that sit in front of everything else on the public listener:
 * - a per-instance ceiling on all requests;
 * - `POST /token` per client. The client is the Basic auth username (RFC 6749 §2.3.1: the
 *   form-urlencoded client_id); the request body belongs to the provider, which reads the raw
 *   stream itself, so a client authenticating in the body (client_secret_post, public
 *   clients) is limited per address instead.
 * Both answer 429 with Retry-After; the token endpoint in the OAuth error format. When the
 * counters' store (Redis) is down the token endpoint answers 503 with Retry-After, as the
 * provider does for its own storage: its codes and tokens live in the same Redis.
 */
import type { Context, Middleware } from 'koa';
import { sendPage } from '../http/render.js';
import { nonceOf, requestIdOf } from '../http/request-state.js';
import { errorTable } from '../http/app-error.js';
import { errorView } from '../views/error.view.js';
import type { Limited } from './attempt-guard.js';
import type { Limits } from './limits.js';
import { isUnavailable } from '../http/unavailable.js';
import { RETRY_AFTER_SECONDS } from '../http/error-handler.js';

/** The client_id of a Basic `Authorization` header, or undefined. */
export function basicClientId(header: string | undefined): string | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=._~-]{1,2048})\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const raw = decoded.slice(0, colon);
  try {
    return decodeURIComponent(raw.replaceAll('+', ' ')).slice(0, 200);
  } catch {
    return raw.slice(0, 200);
  }
}

export function limitedPage(ctx: Context, limited: Limited): void {
  ctx.set('Retry-After', String(limited.retryAfterSeconds));
  sendPage(ctx, 429, errorView({ nonce: nonceOf(ctx), title: 'Too many requests', message: errorTable['request.rate_limited'].message, requestId: requestIdOf(ctx) }));
}

export function instanceCeiling(limits: Limits): Middleware {
  return async (ctx, next) => {
    const limited = await limits.instance(ctx.ip);
    if (limited) return limitedPage(ctx, limited);
    await next();
  };
}

export function tokenEndpointLimit(limits: Limits, path = '/token'): Middleware {
  return async (ctx, next) => {
    let limited: Limited | undefined;
    try {
      limited = ctx.method === 'POST' && ctx.path === path ? await limits.token(basicClientId(ctx.get('Authorization') || undefined), ctx.ip) : undefined;
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      ctx.status = 503;
      ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      ctx.set('Cache-Control', 'no-store');
      // The provider's own answer to a storage outage (oidc/outage-status.ts).
      ctx.body = { error: 'server_error', error_description: 'a dependency is unavailable; retry later' };
      return;
    }
    if (!limited) {
      await next();
      return;
    }
    ctx.status = 429;
    ctx.set('Retry-After', String(limited.retryAfterSeconds));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { error: 'temporarily_unavailable', error_description: 'too many token requests; retry later' };
  };
}
