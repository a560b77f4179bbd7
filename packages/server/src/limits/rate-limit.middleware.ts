/**
 * The limit on failed client authentications (token-auth-guard.ts), around every provider
 * endpoint that authenticates a client: `POST /token`, `/token/introspection`,
 * `/token/revocation`, `/request` (RFC 9126 pushed authorization requests, oidc/par.ts) and
 * `/device/auth` (RFC 8628 §3.1 device authorization). The provider's router matches paths without regard to case or a trailing
 * slash, so this does too: `/TOKEN/` is the same endpoint and the same counters.
 * - before: a (client, address) pair or an address that failed too often gets 429 with
 *   Retry-After in the OAuth error format, and the provider never sees the request. The client
 *   is the Basic auth username (RFC 6749 §2.3.1: the form-urlencoded client_id); the request
 *   body belongs to the provider, which reads the raw stream itself.
 * - after: a 401 is a failed client authentication (RFC 6749 §5.2 `invalid_client`; the token
 *   endpoint answers 401 for nothing else, and the body may be an HTML page when the client
 *   asked for one, so the status decides). A 2xx clears the pair's failures; anything else (a
 *   400 for a malformed body, which the provider answers before it authenticates the client)
 *   leaves the counters as they are, so it cannot be used to wipe them.
 * When the counters' store (Redis) is down the endpoint answers 503 with Retry-After, as the
 * provider does for its own storage: its codes and tokens live in the same Redis. Once the
 * provider has answered, its answer stands: a token it issued is never swapped for a 503.
 */
import type { Middleware } from 'koa';
import type { Limits } from './limits.js';
import type { TokenAuthCheck } from './token-auth-guard.js';
import { isUnavailable } from '../stores/unavailable.js';
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

/** The provider's endpoints that authenticate a client, as its router matches them. */
export const CLIENT_AUTH_PATHS: readonly string[] = ['/token', '/token/introspection', '/token/revocation', '/request', '/device/auth'];

const normalisePath = (path: string) => path.toLowerCase().replace(/\/+$/, '') || '/';

export function tokenEndpointLimit(limits: Limits, paths: readonly string[] = CLIENT_AUTH_PATHS): Middleware {
  const guarded = new Set(paths.map(normalisePath));
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !guarded.has(normalisePath(ctx.path))) {
      await next();
      return;
    }
    let check: TokenAuthCheck;
    try {
      check = await limits.tokenAuth.check(basicClientId(ctx.get('Authorization') || undefined), ctx.ip);
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      ctx.status = 503;
      ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      ctx.set('Cache-Control', 'no-store');
      // The provider's own answer to a storage outage (oidc/outage-status.ts).
      ctx.body = { error: 'server_error', error_description: 'a dependency is unavailable; retry later' };
      return;
    }
    if (check.limited) {
      ctx.status = 429;
      ctx.set('Retry-After', String(check.limited.retryAfterSeconds));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { error: 'temporarily_unavailable', error_description: 'too many failed client authentications; retry later' };
      return;
    }
    await next();
    try {
      if (ctx.status === 401) await check.settle('failed');
      else if (ctx.status >= 200 && ctx.status < 300) await check.settle('succeeded');
    } catch (error) {
      // The store went away mid-request: one failure goes uncounted, and the next request's
      // check answers 503 while it stays away.
      if (!isUnavailable(error)) throw error;
    }
  };
}
